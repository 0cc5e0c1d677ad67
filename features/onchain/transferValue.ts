import type { Transfer } from '../../schemas/onchain.ts';

/** Size thresholds: in USD when a transfer carries usdValue, else in units of its asset. */
export interface SizeThresholds {
  whaleUsd: number;
  whaleAmount: number;
}

/** A transfer's size: usdValue when known, else amount (asset units). */
export const valueOf = (t: Transfer): number => t.usdValue ?? t.amount;

/** The whale threshold in the same units as valueOf(t). */
export const whaleThreshold = (t: Transfer, p: SizeThresholds): number =>
  t.usdValue !== undefined ? p.whaleUsd : p.whaleAmount;

export const isWhale = (t: Transfer, p: SizeThresholds): boolean => valueOf(t) >= whaleThreshold(t, p);

/** The other side of a transfer for the key `me`. */
export const counterparty = (t: Transfer, me: string): string => (t.from === me ? t.to : t.from);
