import type { Transfer } from '../../schemas/onchain.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { NeumaierSum } from '../stats/neumaier.ts';
import type { AmlContext } from './amlContext.ts';
import { SelfAddress } from './selfAddress.ts';
import { valueOf, whaleThreshold } from './transferValue.ts';

type Params = { newMs: number; whaleUsd: number; whaleAmount: number };

/**
 * A new address that already holds a whale-sized amount: its net inflow since first seen, in whale
 * thresholds, while it is younger than `newMs`; 0 once it is established.
 */
export function newLargeHolder(ctx: AmlContext): Feature<Params> {
  return {
    name: 'new_large_holder',
    family: 'on-chain',
    unit: 'whale thresholds',
    description: 'Net inflow of an address first seen less than newMs ago, relative to the whale size.',
    formula: 'max(0, sum in v_i - sum out v_i) / whale threshold if t - first_seen <= newMs, else 0',
    window: 'since first seen, while younger than newMs (default 7 days)',
    reveals:
      'fresh wallets receiving large sums: hack proceeds, insiders positioning, exchange-avoiding whales',
    keyKind: 'address',
    inputs: ['transfer', 'label'],
    defaults: { newMs: 7 * 86_400_000, whaleUsd: 1_000_000, whaleAmount: 500 },
    shared: ctx,
    create(params) {
      const p = { ...this.defaults, ...params };
      return state(ctx, p, new SelfAddress(), new NeumaierSum(), [Number.NaN, Number.NaN, Number.NaN]);
    },
    restore(json, params) {
      const p = { ...this.defaults, ...params };
      const j = json as { s: unknown; n: unknown; t: (number | null)[] };
      return state(
        ctx,
        p,
        SelfAddress.fromJSON(j.s),
        NeumaierSum.fromJSON(j.n),
        j.t.map((x) => x ?? Number.NaN),
      );
    },
  };
}

/** times = [first seen, last seen, whale threshold of the last transfer]. */
function state(
  ctx: AmlContext,
  p: Params,
  self: SelfAddress,
  net: NeumaierSum,
  times: number[],
): FeatureState {
  const onTransfer = (t: Transfer, me: string): void => {
    if (t.from !== t.to) net.add(t.to === me ? valueOf(t) : -valueOf(t));
    const ts = t.eventTime;
    if (!(ts >= times[0]!)) times[0] = ts;
    if (!(ts <= times[1]!)) times[1] = ts;
    times[2] = whaleThreshold(t, p);
  };
  return {
    update(input) {
      ctx.ingest(input);
      self.each(input, onTransfer);
    },
    value() {
      if (Number.isNaN(times[0]!)) return undefined;
      return times[1]! - times[0]! <= p.newMs ? Math.max(0, net.value) / times[2]! : 0;
    },
    toJSON: () => ({ s: self.toJSON(), n: net.toJSON(), t: times.map((x) => (Number.isNaN(x) ? null : x)) }),
  };
}
