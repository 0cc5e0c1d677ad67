import { lastValueFrom, defaultIfEmpty, type Observable } from 'rxjs';
import { defaultDetectorSlots } from '../detectors/index.ts';
import { ReferenceEngine } from '../engine/referenceEngine.ts';
import { marketFeatures } from '../features/index.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { Config } from '../schemas/config.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import { engineSink, type AckRecord } from '../sinks/engineSink.ts';
import { MemoryFeed } from '../sinks/memoryFeed.ts';
import type { Sink } from '../sinks/sink.ts';
import { newDecodeStats } from './decode.ts';
import { deliver } from './deliver.ts';
import type { RawMessage } from './envelope.ts';
import { eventsJsonl } from './formats/eventsJsonl.ts';
import { emitEach } from './emitEach.ts';
import { pipeline } from './pipeline.ts';

/** Everything the embedded mode runs in one process, exposed for the demo, the page and tests. */
export interface EmbeddedRuntime {
  readonly engine: ReferenceEngine;
  readonly alerts: MemoryFeed<Alert>;
  readonly commands: MemoryFeed<Command>;
  readonly acks: MemoryFeed<AckRecord>;
  readonly deadLetters: MemoryFeed<DeadLetter>;
  readonly stats: ReturnType<typeof newDecodeStats>;
  readonly latency: ReturnType<typeof engineSink>['latency'];
  readonly haltLatency: ReturnType<typeof engineSink>['haltLatency'];
  /** Runs the source to completion through the pipeline. */
  run(): Promise<void>;
}

/**
 * The embedded mode: a source of raw events-jsonl messages → pipeline → in-process reference
 * engine, with in-memory feeds for alerts, commands and acknowledgements. Live, so commands carry
 * wall-clock `issuedAt`.
 */
export function embeddedRuntime(
  source: Observable<RawMessage>,
  config: Config,
  extra: { alerts?: Sink<Alert>[]; commands?: Sink<Command>[]; engine?: ReferenceEngine } = {},
): EmbeddedRuntime {
  const engine = extra.engine ?? new ReferenceEngine('reference-engine');
  const alerts = new MemoryFeed<Alert>('alerts');
  const commands = new MemoryFeed<Command>('commands');
  const acks = new MemoryFeed<AckRecord>('acks');
  const deadLetters = new MemoryFeed<DeadLetter>('dead-letters');
  const stats = newDecodeStats();
  const toEngine = engineSink(engine, (r) => acks.write([r]));
  const commandViews = [commands, ...(extra.commands ?? [])];
  return {
    engine,
    alerts,
    commands,
    acks,
    deadLetters,
    stats,
    latency: toEngine.latency,
    haltLatency: toEngine.haltLatency,
    async run() {
      await lastValueFrom(
        source.pipe(
          pipeline({
            format: eventsJsonl,
            deadLetters: (d) => deadLetters.write([d]),
            features: marketFeatures,
            detectors: defaultDetectorSlots(),
            policy: config.policy,
            stats,
            clock: () => Date.now(),
          }),
          deliver({
            commands: [
              toEngine,
              {
                name: 'command-views',
                write: (b) => commandViews.forEach((s) => void s.write(b.map((d) => d.command))),
                flush: async () => {},
                close: async () => {},
              },
            ],
            alerts: [alerts, ...(extra.alerts ?? [])],
          }),
          emitEach((_d, _emit: (x: never) => void) => {}),
          defaultIfEmpty(null),
        ),
      );
    },
  };
}
