import { describe, expect, it } from 'vitest';
import { detectorFeatures, detectorSlots } from '../../../detectors/detectorSet.ts';
import { ruleSlots } from '../../../detectors/rules/index.ts';
import { marketFeatures } from '../../../features/index.ts';

const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name);

describe('detector set - what the configuration selects', () => {
  it('the pump rule alone, with the rules beside it, or the ensemble in its place', () => {
    expect(names(detectorSlots({ rules: false, ensemble: false }))).toEqual(['pump-rule']);
    expect(names(detectorSlots({ rules: true, ensemble: false }))).toEqual([
      'pump-rule',
      ...names(ruleSlots()),
    ]);
    expect(names(detectorSlots({ rules: false, ensemble: true }))).toEqual(['ensemble']);
    expect(names(detectorSlots({ rules: true, ensemble: true }))).toEqual([
      'ensemble',
      ...names(ruleSlots()),
    ]);
  });

  it('the rules bring the features they read, a fresh venue-premium board each time', () => {
    expect(detectorFeatures(marketFeatures, { rules: false, ensemble: false })).toBe(marketFeatures);
    const a = detectorFeatures(marketFeatures, { rules: true, ensemble: false });
    const b = detectorFeatures(marketFeatures, { rules: true, ensemble: false });
    expect(names(a).slice(marketFeatures.length)).toEqual([
      'fleeting_large_orders',
      'layer_pulls',
      'one_sided_aggression',
      'self_trade_count',
      'account_message_rate',
      'reference_price_move',
      'venue_premium',
    ]);
    const board = (fs: typeof a) => fs.find((f) => f.name === 'venue_premium')!.shared;
    expect(board(a)).toBeDefined();
    expect(board(a)).not.toBe(board(b));
  });
});
