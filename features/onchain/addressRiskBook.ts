import type { AddressCategory } from '../../schemas/onchain.ts';
import { CATEGORY_BIT, FLAGGED_WEIGHT, weightOf } from './riskCategories.ts';

/** Address → category bits, as a list loader builds it. */
export type RiskLists = ReadonlyMap<string, number>;

/**
 * What is known about addresses: the loaded lists (OFAC, phishing, exploit, mixers, exchanges),
 * replaced as a whole on refresh so that readers never see half a list, plus labels from label
 * events layered on top (they survive a refresh). Addresses are compared lower-cased.
 */
export class AddressRiskBook {
  private listed: RiskLists = new Map();
  private readonly labelled = new Map<string, number>();
  private readonly weights = new Map<number, number>();
  private changes = 0;

  /**
   * With a `parent`, the book reads the parent's lists (as the parent's `replace` swaps them) and
   * keeps labels of its own: one loaded copy of the lists serves every partition task of a process,
   * while each task's label events stay its own (see `derive`).
   */
  constructor(private readonly parent?: AddressRiskBook) {}

  /** A book over this one's lists with labels of its own. */
  derive(): AddressRiskBook {
    return new AddressRiskBook(this);
  }

  /** Bumped on every change (of the parent's lists too), so caches can tell they are stale. */
  get version(): number {
    return this.parent ? this.parent.version + this.changes : this.changes;
  }

  /** Swaps in freshly loaded lists at once. */
  replace(lists: RiskLists): void {
    if (this.parent) throw new TypeError("a derived AddressRiskBook reads its parent's lists: replace those");
    this.listed = lists;
    this.changes++;
  }

  /** Labels from events, as [address, category bits] (checkpoints). */
  labelsJSON(): [string, number][] {
    return [...this.labelled];
  }

  /** Replaces the labels from events with a `labelsJSON()` of them. */
  restoreLabels(json: unknown): void {
    this.labelled.clear();
    for (const [a, bits] of json as [string, number][]) this.labelled.set(a, bits);
    this.changes++;
  }

  /** Adds one label (from a label event or topic); returns false when it was already known. */
  applyLabel(label: { readonly address: string; readonly category: AddressCategory }): boolean {
    const a = label.address.toLowerCase();
    const bits = this.labelled.get(a) ?? 0;
    const bit = CATEGORY_BIT[label.category];
    if (bits & bit) return false;
    this.labelled.set(a, bits | bit);
    this.changes++;
    return true;
  }

  /** Forgets labels from events (not the loaded lists). */
  resetLabels(): void {
    if (this.labelled.size === 0) return;
    this.labelled.clear();
    this.changes++;
  }

  /** Category bits of an address (lower-case). */
  categories(address: string): number {
    const listed = this.parent ? this.parent.listed : this.listed;
    return (listed.get(address) ?? 0) | (this.labelled.get(address) ?? 0);
  }

  /** Risk weight in [0, 1] of the address's heaviest category. */
  weight(address: string): number {
    const bits = this.categories(address);
    if (bits === 0) return 0;
    let w = this.weights.get(bits);
    if (w === undefined) {
      w = weightOf(bits);
      this.weights.set(bits, w);
    }
    return w;
  }

  isFlagged(address: string): boolean {
    return this.weight(address) >= FLAGGED_WEIGHT;
  }

  isExchange(address: string): boolean {
    return (this.categories(address) & CATEGORY_BIT.exchange) !== 0;
  }

  /** Addresses in the loaded lists. */
  get listedCount(): number {
    return (this.parent ? this.parent.listed : this.listed).size;
  }
}
