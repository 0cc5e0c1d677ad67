import type { Rng } from '../core/rng.ts';
import type { InputEvent } from '../schemas/event.ts';
import type { AddressBook } from './addressBook.ts';
import type { Chain } from './chain.ts';
import type { FactorModel } from './factorModel.ts';
import type { ReferencePrices } from './referencePrices.ts';
import type { VenueBook } from './venueBook.ts';

/**
 * What a scenario did, where and when: a detection counts when an alert or command names one of
 * `keys` (pipeline keys: `vs:VENUE:SYMBOL`, `addr:0x…`, `asset:NAME`) with an event time in
 * [start, end]. The first key is the primary one.
 */
export interface GroundTruth {
  readonly scenario: string;
  readonly keys: readonly string[];
  /** Epoch ms of the first manipulated event. */
  readonly start: number;
  /** Epoch ms until which a detection still counts (the manipulation's end plus its direct aftermath). */
  readonly end: number;
  readonly description: string;
}

/** The simulated world a scenario acts on during one step. */
export interface World {
  readonly seed: number;
  readonly venues: readonly string[];
  readonly factor: FactorModel;
  readonly books: readonly VenueBook[];
  book(venue: string, symbol: string): VenueBook;
  readonly chain: Chain | undefined;
  readonly addresses: AddressBook | undefined;
  readonly prices: ReferencePrices | undefined;
  /** Runs `action` at event time `t` (inside the current step) among `book`'s own flow. */
  at(book: VenueBook, t: number, action: () => void): void;
  /** Publishes an event as is (a price, a label). */
  emit(e: InputEvent): void;
}

/** One step of simulated time, as a scenario sees it. */
export interface StepContext {
  readonly world: World;
  /** Start of the step, epoch ms, and its length. */
  readonly t: number;
  readonly stepMs: number;
  /** Time since the scenario's start (negative before it). */
  readonly elapsed: number;
}

/** A scenario placed in a simulation. */
export interface RunningScenario {
  readonly truth: GroundTruth;
  /** Called every step from the scenario's start until `truth.end`: sets book overrides, schedules actions. */
  step(ctx: StepContext): void;
}

/** A manipulation or incident the simulator can inject into normal flow, with its ground truth. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Typical duration, ms, used to schedule and to size the evaluation window. */
  readonly durationMs: number;
  /** Places the scenario at `start` (epoch ms) in `world`, with its own random stream. */
  create(world: World, start: number, rng: Rng): RunningScenario;
}

/** The keys of pipeline subjects, as `pipelines/keyBy.ts` spells them. */
export const keys = {
  venueSymbol: (venue: string, symbol: string): string => `vs:${venue}:${symbol}`,
  address: (address: string): string => `addr:${address.toLowerCase()}`,
  asset: (asset: string): string => `asset:${asset}`,
};
