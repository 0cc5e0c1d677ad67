import type { Feature } from '../feature.ts';

/** Two legs of the same asset on different venues (spot against perpetual), or two assets on one venue. */
export type PairKind = 'cross-venue' | 'cross-asset';

/** One synchronous sample of a pair's two prices on the pair tracker's event-time grid. */
export interface CrossInput {
  /** The pair's key, `pair:<venue>:<symbol>|<venue>:<symbol>` (leg A first). */
  readonly key: string;
  readonly kind: PairKind;
  /** The grid time the sample is taken at (epoch ms). */
  readonly eventTime: number;
  /** Price of leg A (the derivative, or the first asset) as of eventTime. */
  readonly a: number;
  /** Price of leg B (the spot reference, or the second asset) as of eventTime. */
  readonly b: number;
}

/** A second-stage feature: state per pair, fed the pair's grid samples. */
export interface CrossFeature<P extends object = Record<string, number>> extends Feature<P, CrossInput> {
  /** The pair kinds it is computed for. */
  readonly pairKinds: readonly PairKind[];
}
