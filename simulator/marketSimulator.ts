import type { InputEvent } from '../schemas/event.ts';
import { defaultFactorParams, type SymbolSpec } from './factorModel.ts';
import { defaultFlowParams } from './normalFlow.ts';
import { pumpAndDump } from './scenarios/pumpAndDump.ts';
import { defaultSymbols, simulate, type SimulationOptions } from './simulate.ts';

export type { SymbolSpec as SimSymbol } from './factorModel.ts';
export { defaultSymbols } from './simulate.ts';

/** An injected pump on one venue and symbol (trade burst, buy pressure, price run-up), then back to fair. */
export interface SimPump {
  readonly kind: 'pump';
  readonly venue: string;
  readonly symbol: string;
  /** Start, ms after the simulation's start, and length of the run-up. */
  readonly startMs: number;
  readonly durationMs: number;
  /** Total log price rise over the pump. */
  readonly rise: number;
  /** Multiplier of the normal taker rate during the pump. */
  readonly intensity: number;
}

export interface SimOptions {
  readonly seed: number;
  readonly startTime: number;
  readonly symbols: readonly SymbolSpec[];
  readonly venues: readonly string[];
  readonly manipulations: readonly SimPump[];
}

/**
 * The market alone (no chain, no reference prices) on two venues, with pumps: the simple entry
 * point the demo, the benchmarks and the pipeline tests use. `simulate` has every option and the
 * scenario suite.
 */
export function simulateMarket(opts: Partial<SimOptions> = {}, untilMs = Infinity): Generator<InputEvent> {
  const o: Partial<SimulationOptions> = {
    seed: opts.seed ?? 1,
    ...(opts.startTime !== undefined ? { startTime: opts.startTime } : {}),
    symbols: opts.symbols ?? defaultSymbols,
    venues: opts.venues ?? ['venue-a', 'venue-b'],
    durationMs: untilMs,
    pricedAssets: [],
    factor: { ...defaultFactorParams, volOfVol: 0, jumpsPerHour: 0, newsShare: 0 },
    flow: { ...defaultFlowParams, hawkesBranching: 0, sweepShare: 0, takerRate: 3 },
    scenarios: (opts.manipulations ?? []).map((m, i) => ({
      startMs: m.startMs,
      scenario: pumpAndDump(
        {
          venue: m.venue,
          symbol: m.symbol,
          riseMs: m.durationMs,
          rise: m.rise,
          intensity: m.intensity,
          dumpMs: 2_000,
        },
        `pump-${i + 1}`,
      ),
    })),
  };
  return simulate(o);
}
