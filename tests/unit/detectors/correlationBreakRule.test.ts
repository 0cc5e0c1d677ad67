import { describe, expect, it } from 'vitest';
import { correlationBreakSlot } from '../../../detectors/rules/marketRules.ts';

/** The rule's raw score in threshold units (1 alert, 2 halt) for [correlation_5m, sign_comovement]. */
const score = (corr5m: number, signZ: number) => correlationBreakSlot.create().score([corr5m, signZ]);

describe('correlation-break-rule - a negative 5-minute correlation or a negative sign test of co-movement', () => {
  it('reads the rule on features by name', () =>
    expect(correlationBreakSlot.create().features).toEqual(['correlation_5m', 'sign_comovement']));

  it('alerts at correlation -0.1 or sign-test z -2.5, halts at -0.4 or -5', () => {
    expect(score(-0.1, Number.NaN)).toBeCloseTo(1, 12);
    expect(score(-0.4, Number.NaN)).toBeCloseTo(2, 12);
    expect(score(Number.NaN, -2.5)).toBeCloseTo(1, 12);
    expect(score(Number.NaN, -5)).toBeCloseTo(2, 12);
  });

  it('takes the stronger of the two and says nothing on normal co-movement or missing features', () => {
    expect(score(-0.1, -5)).toBeCloseTo(2, 12);
    expect(score(0.45, 4)).toBe(0);
    expect(score(Number.NaN, Number.NaN)).toBe(0);
    // A quiet market: correlation diluted to 0, sign test near 0: below the alert on both.
    expect(score(0, -1)).toBeLessThan(1);
  });

  it('explains the score by the measure that raised it', () =>
    expect(Array.from(correlationBreakSlot.create().explain([0.3, -5]))).toEqual([0, 2]));
});
