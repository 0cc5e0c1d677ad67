import { describe, expect, it } from 'vitest';
import { initialScopeState, transition, type ScopeState } from '../../../policy/circuitBreaker.ts';
import { PolicyConfig } from '../../../schemas/config.ts';

const p = PolicyConfig.parse({});

function run(scores: [number, number][], start: ScopeState = initialScopeState) {
  let state = start;
  const out: { t: number; actions: string[]; alert: string | null }[] = [];
  for (const [t, score] of scores) {
    const tr = transition(state, { eventTime: t, score, detector: 'd' }, p);
    state = tr.state;
    out.push({ t, actions: [...tr.actions], alert: tr.alert });
  }
  return { state, out, actions: out.flatMap((o) => o.actions) };
}

describe('circuit breaker - graded transitions', () => {
  it('escalates through the grades as the score rises, one command per step, no repeats', () => {
    const { actions, state } = run([
      [0, 0.5],
      [100, 0.96],
      [200, 0.96],
      [300, 0.985],
      [400, 0.995],
      [500, 0.999],
    ]);
    expect(actions).toEqual(['THROTTLE', 'REDUCE_ONLY', 'HALT']);
    expect(state.level).toBe(3);
    expect(state.sequence).toBe(3);
  });

  it('does not resume a halt before the minimum halt time, even when calm', () => {
    const calm: [number, number][] = Array.from({ length: 40 }, (_, i) => [1000 + i * 1000, 0.1]);
    const { out } = run([[0, 0.999], ...calm]);
    const resumeAt = out.find((o) => o.actions.includes('RESUME'))!.t;
    expect(resumeAt).toBeGreaterThanOrEqual(p.minHaltMs);
    expect(resumeAt).toBeGreaterThanOrEqual(1000 + p.cooldownMs);
  });

  it('hysteresis: scores between exitBelow and throttleAt neither escalate nor count as calm', () => {
    const mid: [number, number][] = Array.from({ length: 100 }, (_, i) => [i * 1000, 0.85]);
    const { actions, state } = run([[-1, 0.96], ...mid]);
    expect(actions).toEqual(['THROTTLE']);
    expect(state.level).toBe(1);
    expect(state.calmSince).toBeNull();
  });

  it('de-duplicates alerts within the interval unless severity rises', () => {
    const { out } = run([
      [0, 0.91],
      [1000, 0.92],
      [2000, 0.96],
      [3000, 0.91],
      [12_500, 0.91],
    ]);
    expect(out.map((o) => o.alert)).toEqual(['info', null, 'warning', null, 'info']);
  });
});
