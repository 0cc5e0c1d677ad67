import type { KeyKind, Subject } from '../schemas/feature.ts';
import type { EventType, InputEvent } from '../schemas/event.ts';
import type { BookView } from './book/orderBook.ts';

export type FeatureFamily = 'order-flow' | 'cross-asset' | 'on-chain';

/** What a first-stage feature sees per event: the event, and its key's order book after the event. */
export interface MarketInput {
  readonly event: InputEvent;
  readonly book: BookView;
  /**
   * The key the event was delivered to. Address features need it to tell which side of a
   * transfer they are (a transfer is delivered to both its addresses); without it they infer
   * their address from the first two transfers they see.
   */
  readonly subject?: Subject;
}

/**
 * Process-wide state some features read besides their per-key state: reference lists and the
 * bounded transfer graph of the on-chain features. `reset()` empties what the stream built (not
 * the loaded lists), so an isolated replay starts from the same point as the live run did.
 */
export interface SharedFeatureState {
  reset(): void;
  /** Plain JSON of what the stream built, for a checkpoint (state the stream cannot rebuild at once). */
  toJSON?(): unknown;
  /** Replaces what the stream built with a `toJSON()` of it (checkpoint restore). */
  restoreState?(json: unknown): void;
}

/** One key's running state of one feature. O(1) or O(log n) per update, no I/O, no clock reads. */
export interface FeatureState<I = MarketInput> {
  update(input: I): void;
  /** Undefined while warming up. */
  value(): number | undefined;
  /** Plain JSON from which `restore` rebuilds an identical state. */
  toJSON(): unknown;
}

/** A feature's definition: catalogue metadata plus a factory for per-key state. */
export interface Feature<P extends object = Record<string, number>, I = MarketInput> {
  readonly name: string;
  readonly family: FeatureFamily;
  readonly unit: string;
  readonly description: string;
  readonly formula: string;
  readonly window: string;
  /** The manipulation or risk it reveals. */
  readonly reveals: string;
  readonly keyKind: KeyKind;
  /** Event types that change it; others are not delivered. */
  readonly inputs: readonly EventType[];
  readonly defaults: Readonly<P>;
  /** Shared state the feature reads and updates, when it has any (see SharedFeatureState). */
  readonly shared?: SharedFeatureState;
  create(params?: Partial<P>): FeatureState<I>;
  restore(state: unknown, params?: Partial<P>): FeatureState<I>;
}
