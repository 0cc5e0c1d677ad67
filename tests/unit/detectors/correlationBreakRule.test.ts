import { describe, expect, it } from 'vitest';
import { correlationBreakSlot } from '../../../detectors/rules/marketRules.ts';

/** The rule's raw score in threshold units (1 alert, 2 halt) for [sign_comovement]. */
const score = (signZ: number) => correlationBreakSlot.create().score([signZ]);

describe('correlation-break-rule - a negative sign test of co-movement', () => {
  it('reads the sign test by name, not the Pearson correlations', () =>
    expect(correlationBreakSlot.create().features).toEqual(['sign_comovement']));

  it('alerts at z -2.5 and halts at -5', () => {
    expect(score(-2.5)).toBeCloseTo(1, 12);
    expect(score(-5)).toBeCloseTo(2, 12);
  });

  it('says nothing on normal co-movement, on a quiet market or on a missing feature', () => {
    expect(score(4)).toBe(0);
    // A quiet market: few steps moved, |z| small.
    expect(score(-1)).toBeLessThan(1);
    expect(score(Number.NaN)).toBe(0);
  });

  it('explains the score by the sign test', () =>
    expect(Array.from(correlationBreakSlot.create().explain([-5]))).toEqual([2]));
});
