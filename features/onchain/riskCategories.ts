import type { AddressCategory } from '../../schemas/onchain.ts';

/** One bit per address category, so an address on several lists is one number. */
export const CATEGORY_BIT: Readonly<Record<AddressCategory, number>> = {
  sanctioned: 1,
  phishing: 2,
  exploit: 4,
  mixer: 8,
  exchange: 16,
  whale: 32,
  other: 64,
};

/** Risk weight of each category in [0, 1]; an address weighs as its heaviest category. */
export const CATEGORY_WEIGHT: Readonly<Record<AddressCategory, number>> = {
  sanctioned: 1,
  exploit: 0.9,
  mixer: 0.8,
  phishing: 0.7,
  exchange: 0,
  whale: 0,
  other: 0,
};

/** Addresses weighing at least this are "flagged" (sanctioned, exploit, mixer, phishing). */
export const FLAGGED_WEIGHT = 0.5;

const ORDER = Object.keys(CATEGORY_BIT) as AddressCategory[];

/** Weight of a category bit set. */
export function weightOf(bits: number): number {
  let w = 0;
  for (const c of ORDER) if (bits & CATEGORY_BIT[c] && CATEGORY_WEIGHT[c] > w) w = CATEGORY_WEIGHT[c];
  return w;
}

/** Names of the categories in a bit set. */
export function categoriesOf(bits: number): AddressCategory[] {
  return ORDER.filter((c) => bits & CATEGORY_BIT[c]);
}
