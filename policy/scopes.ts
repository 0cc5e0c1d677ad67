import type { Scope, ScopeLevel } from '../schemas/command.ts';
import type { Subject } from '../schemas/feature.ts';

/**
 * Canonical scopes and their keys. A key is the command's Kafka message key, so commands on one
 * scope stay in order on one partition; venue-symbol and address keys are the pipeline's own keys
 * (pipelines/keyBy.ts), so a key's decisions and its events share a name.
 */
export const globalScope: Scope = { level: 'global', key: 'global' };
export const venueScope = (venue: string): Scope => ({ level: 'venue', key: `venue:${venue}`, venue });
export const symbolScope = (symbol: string): Scope => ({ level: 'symbol', key: `sym:${symbol}`, symbol });
export const accountScope = (account: string): Scope => ({
  level: 'account',
  key: `acct:${account}`,
  account,
});
export const addressScope = (address: string): Scope => ({
  level: 'address',
  key: `addr:${address}`,
  address,
});
export const venueSymbolScope = (venue: string, symbol: string): Scope => ({
  level: 'venue-symbol',
  key: `vs:${venue}:${symbol}`,
  venue,
  symbol,
});

/**
 * The venue-symbol scopes an asset pair's decisions restrict: its two legs (a cross-venue pair: the
 * asset on each venue; a cross-asset pair: each asset on the venue). Empty for other subjects, and
 * for a pair without legs (a record older than the field), which can restrict nothing.
 */
export function legScopesOf(subject: Subject): readonly Scope[] {
  if (subject.keyKind !== 'asset-pair' || !subject.legs) return [];
  return subject.legs.map((l) => venueSymbolScope(l.venue, l.symbol));
}

/** "SOLUSDT on venue-c against SOLUSDT on venue-a": a subject in words (a pair by its legs). */
export function subjectName(subject: Subject): string {
  if (subject.keyKind === 'asset-pair')
    return subject.legs
      ? `pair ${subject.legs.map((l) => `${l.symbol} on ${l.venue}`).join(' against ')}`
      : subject.key;
  return scopeName(scopeOf(subject));
}

/** The command scope a key's decisions apply to (an asset pair's: its legs, `legScopesOf`). */
export function scopeOf(subject: Subject): Scope {
  switch (subject.keyKind) {
    case 'venue-symbol':
      return { level: 'venue-symbol', key: subject.key, venue: subject.venue, symbol: subject.symbol };
    case 'address':
      return { level: 'address', key: subject.key, address: subject.address };
    default:
      return { level: 'symbol', key: subject.key, symbol: subject.symbol ?? subject.asset };
  }
}

/** The parent of `scope` at `level`, or undefined when the scope does not belong to one there. */
export function parentScope(scope: Scope, level: ScopeLevel): Scope | undefined {
  switch (level) {
    case 'global':
      return scope.level === 'global' ? undefined : globalScope;
    case 'venue':
      return scope.level === 'venue-symbol' && scope.venue ? venueScope(scope.venue) : undefined;
    case 'symbol':
      return scope.level === 'venue-symbol' && scope.symbol ? symbolScope(scope.symbol) : undefined;
    default:
      return undefined;
  }
}

/** "SOLUSDT on venue-a", "venue venue-a", "address 0xab…", "all trading": a scope in words. */
export function scopeName(scope: Scope): string {
  switch (scope.level) {
    case 'venue-symbol':
      return `${scope.symbol} on ${scope.venue}`;
    case 'venue':
      return `venue ${scope.venue}`;
    case 'global':
      return 'all trading';
    case 'account':
      return `account ${scope.account}`;
    case 'address':
      return `address ${scope.address}`;
    case 'symbol':
      return scope.symbol ?? scope.key;
  }
}
