import type { Transfer } from '../../schemas/onchain.ts';
import type { MarketInput } from '../feature.ts';

/**
 * Which address a key is. The pipeline delivers a transfer to both its addresses; with the key's
 * subject on the input that is known at once. Without it, the key's address is the one its first
 * two transfers share, and the first transfer is held back until then (a key that only ever sees
 * one transfer, or the same pair back and forth, cannot be told apart this way).
 */
export class SelfAddress {
  me = '';
  private pending: Transfer | null = null;

  /** Calls `fn` for the input's transfer, after any held-back one, once the address is known. */
  each(input: MarketInput, fn: (t: Transfer, me: string) => void): void {
    const e = input.event;
    if (!this.me) {
      const s = input.subject;
      if (s?.keyKind === 'address' && s.address) this.me = s.address.toLowerCase();
      else if (e.type === 'label') this.me = e.address;
      else if (e.type === 'transfer') {
        if (e.from === e.to) this.me = e.from;
        else if (!this.pending) {
          this.pending = e;
          return;
        } else {
          const p = this.pending;
          this.me = p.from === e.from || p.from === e.to ? p.from : p.to;
        }
      }
      if (!this.me) return;
      const p = this.pending;
      this.pending = null;
      if (p && p !== e) fn(p, this.me);
    }
    if (e.type === 'transfer') fn(e, this.me);
  }

  toJSON(): { me: string; p: Transfer | null } {
    return { me: this.me, p: this.pending };
  }

  static fromJSON(j: unknown): SelfAddress {
    const s = new SelfAddress();
    const o = j as { me: string; p: Transfer | null };
    s.me = o.me;
    s.pending = o.p;
    return s;
  }
}
