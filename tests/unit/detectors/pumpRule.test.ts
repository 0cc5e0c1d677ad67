import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.ts';
import { pumpRule, pumpRuleDefaults } from '../../../detectors/pumpRule.ts';
import { createRng } from '../../../core/rng.ts';

/** Quiet market: about one trade a second, returns of a few basis points either way. */
function quiet(n: number, seed = 1): Float64Array[] {
  const rng = createRng(seed);
  const r = () => rng.next();
  return Array.from({ length: n }, () => Float64Array.of(1 + r() * 0.5, (r() - 0.5) * 1e-3));
}

describe('pump rule - rising price with a trade burst against the key own history', () => {
  it('is silent while warming up, and for ordinary frames once warm', () => {
    const d = pumpRule.create({});
    expect(d.features).toEqual(['trade_intensity', 'mid_return']);
    const xs = quiet(pumpRuleDefaults.warmup + 2_000);
    for (const [i, x] of xs.entries()) {
      if (i < pumpRuleDefaults.warmup) expect(d.score(x)).toBe(0);
      d.learn(x);
    }
    expect(d.warm).toBe(true);
    const after = quiet(1_000, 2).map((x) => d.score(x));
    expect(Math.max(...after)).toBeLessThan(3);
  });

  it('fires on a burst with a rise, not on the same burst with a fall (a dump), nor on a rise without a burst', () => {
    const d = pumpRule.create({});
    for (const x of quiet(3_000)) d.learn(x);
    const pump = d.score(Float64Array.of(40, 0.05));
    expect(pump).toBeGreaterThan(6);
    expect(d.score(Float64Array.of(40, -0.05))).toBe(0);
    expect(d.score(Float64Array.of(1.2, 0.05))).toBeLessThan(1);
    // The attribution is each condition's z-score; the smaller one is the score.
    const c = d.explain(Float64Array.of(40, 0.05));
    expect(Math.min(c[0]!, c[1]!)).toBeCloseTo(pump, 12);
  });

  it('does not learn a pump while it lasts (an anomaly must not become normal)', () => {
    const d = pumpRule.create({});
    for (const x of quiet(3_000)) d.learn(x);
    const x = Float64Array.of(40, 0.05);
    const first = d.score(x);
    for (let i = 0; i < 500; i++) d.learn(x);
    expect(d.score(x)).toBeCloseTo(first, 9);
  });

  it('a missing feature scores 0 and is not learned', () => {
    const d = pumpRule.create({});
    for (const x of quiet(3_000)) d.learn(x);
    const before = JSON.stringify(d.toJSON());
    expect(d.score(Float64Array.of(Number.NaN, 0.05))).toBe(0);
    d.learn(Float64Array.of(40, Number.NaN));
    expect(JSON.stringify(d.toJSON())).toBe(before);
  });

  it('survives toJSON and fromJSON exactly (checkpoints)', () => {
    const a = pumpRule.create({});
    const xs = quiet(2_000, 5);
    for (const x of xs.slice(0, 1_200)) a.learn(x);
    const b = pumpRule.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    for (const x of xs.slice(1_200)) {
      expect(b.score(x)).toBe(a.score(x));
      a.learn(x);
      b.learn(x);
    }
    expect(b.score(Float64Array.of(30, 0.04))).toBe(a.score(Float64Array.of(30, 0.04)));
  });

  it('rejects a rule without conditions', () => {
    expect(() => pumpRule.create({ conditions: [] })).toThrow(ConfigError);
  });
});
