import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Decision, ScoredFrame } from '../../../pipelines/envelope.ts';
import { applyPolicy } from '../../../pipelines/applyPolicy.ts';
import { venueSymbolScope } from '../../../policy/scopes.ts';
import { PolicyConfig } from '../../../schemas/config.ts';

const BTC = venueSymbolScope('va', 'BTC');
const frame = (t: number, score: number): ScoredFrame => ({
  frame: {
    seq: t,
    subject: { key: BTC.key, keyKind: 'venue-symbol', venue: BTC.venue, symbol: BTC.symbol },
    eventId: `ev${t}`,
    eventTime: t,
    arrivalMs: 0,
    names: ['cancel_to_trade'],
    values: new Float64Array([1]),
    mid: 100,
  },
  scores: [
    {
      detector: 'ensemble',
      raw: score,
      score,
      contributions: [{ feature: 'cancel_to_trade', value: 1, contribution: 3 }],
    },
  ],
});

describe('applyPolicy - evidence', () => {
  it('a command’s triggering events do not change after it was issued (sinks may serialise it later)', () => {
    const src = new Subject<ScoredFrame>();
    const out: Decision[] = [];
    src.pipe(applyPolicy(PolicyConfig.parse({}))).subscribe((d) => out.push(d));
    src.next(frame(1000, 0.97));
    src.next(frame(1010, 0.995));
    const halt = out.flatMap((d) => d.commands).find((c) => c.action === 'HALT')!;
    const before = JSON.stringify(halt);
    // More high scores on the key: the policy's list of recent triggers moves on.
    for (let t = 1020; t < 1100; t += 10) src.next(frame(t, 0.999));
    expect(JSON.stringify(halt)).toBe(before);
    expect(halt.evidence!.triggeringEvents.map((e) => e.eventId)).toEqual(['ev1000', 'ev1010']);
  });
});
