import { z } from 'zod';
import type { Scope } from '../schemas/command.ts';
import { venueSymbolKey, addressKey } from '../pipelines/keyBy.ts';

const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._\-/]+$/, 'letters, digits and . _ - / only');

/** A scope as a person names it on the page or in a request; the canonical key is derived. */
export const ScopeInput = z.discriminatedUnion('level', [
  z.object({ level: z.literal('venue-symbol'), venue: Name, symbol: Name }),
  z.object({ level: z.literal('symbol'), symbol: Name }),
  z.object({ level: z.literal('venue'), venue: Name }),
  z.object({ level: z.literal('account'), account: Name }),
  z.object({ level: z.literal('address'), address: Name }),
  z.object({ level: z.literal('global') }),
]);
export type ScopeInput = z.infer<typeof ScopeInput>;

/**
 * The command scope with its canonical key. Venue-symbol and address keys are the pipeline's own
 * (pipelines/keyBy.ts) so that a manual command lands on the same scope the policy acts on.
 */
export function toScope(s: ScopeInput): Scope {
  switch (s.level) {
    case 'venue-symbol':
      return { level: s.level, key: venueSymbolKey(s.venue, s.symbol), venue: s.venue, symbol: s.symbol };
    case 'address':
      return { level: s.level, key: addressKey(s.address), address: s.address };
    case 'symbol':
      return { level: s.level, key: `sym:${s.symbol}`, symbol: s.symbol };
    case 'venue':
      return { level: s.level, key: `venue:${s.venue}`, venue: s.venue };
    case 'account':
      return { level: s.level, key: `acct:${s.account}`, account: s.account };
    case 'global':
      return { level: s.level, key: 'global' };
  }
}
