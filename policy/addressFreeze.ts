import type { AddressLabel } from '../schemas/onchain.ts';
import type { PolicyConfig } from '../schemas/config.ts';
import type { Pin } from './manualOverride.ts';

/** An address flagged by a list or by a rule detector. */
export interface AddressFlag {
  readonly address: string;
  /** A label category (sanctioned, exploit, ...) or `rule:<detector>` for a rule hit. */
  readonly category: string;
  /** The list or the detector that flagged it. */
  readonly source: string;
  readonly eventId: string;
  readonly eventTime: number;
}

/** The flag an address label carries. */
export const flagOfLabel = (l: AddressLabel): AddressFlag => ({
  address: l.address,
  category: l.category,
  source: l.source,
  eventId: l.eventId,
  eventTime: l.eventTime,
});

/** True when the flag's category or rule is one the policy freezes on. */
export function freezes(
  flag: AddressFlag,
  p: Pick<PolicyConfig, 'freezeCategories' | 'freezeRules'>,
): boolean {
  if (flag.category.startsWith('rule:')) return p.freezeRules.includes(flag.category.slice(5));
  return (p.freezeCategories as readonly string[]).includes(flag.category);
}

/** The freeze a flag leaves: a halt on the address that only a manual resume lifts. */
export const freezePin = (flag: AddressFlag): Pin => ({
  level: 3,
  at: flag.eventTime,
  code: 'ADDRESS_FLAGGED',
});
