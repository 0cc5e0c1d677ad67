import { describe, expect, it } from 'vitest';
import { quoteStuffingSlot } from '../../../detectors/rules/marketRules.ts';

/** The rule's raw score in threshold units (1 alert, 2 halt) for [quote_stuffing_score, account_message_rate]. */
const score = (ratio: number, accountRate: number) => quoteStuffingSlot.create().score([ratio, accountRate]);

describe("quote-stuffing-rule - the key's burst of messages or one account's message rate", () => {
  it('reads both measures by name', () =>
    expect(quoteStuffingSlot.create().features).toEqual(['quote_stuffing_score', 'account_message_rate']));

  it('alerts at 8 times the baseline or 200 messages a second from one account; twice either halts', () => {
    expect(score(8, Number.NaN)).toBeCloseTo(1, 12);
    expect(score(16, Number.NaN)).toBeCloseTo(2, 12);
    expect(score(Number.NaN, 200)).toBeCloseTo(1, 12);
    expect(score(Number.NaN, 400)).toBeCloseTo(2, 12);
  });

  it('takes the stronger measure; quiet on normal traffic and on missing features (a public feed)', () => {
    expect(score(3, 400)).toBeCloseTo(2, 12);
    expect(score(2.5, 64)).toBeLessThan(1);
    expect(score(Number.NaN, Number.NaN)).toBe(0);
  });

  it('explains the score by the measure that raised it', () =>
    expect(Array.from(quoteStuffingSlot.create().explain([2, 400]))).toEqual([0.25, 2]));
});
