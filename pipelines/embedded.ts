import {
  Subject,
  asyncScheduler,
  defaultIfEmpty,
  lastValueFrom,
  merge,
  takeUntil,
  tap,
  timer,
  type Observable,
} from 'rxjs';
import { ackEntry, alertEntry, commandEntry, safeModeEntry } from '../audit/auditEntries.ts';
import type { AuditEntry } from '../audit/hashChain.ts';
import { StageLatency, type PathStage } from '../core/stageLatency.ts';
import { detectorFeatures, detectorSlots } from '../detectors/detectorSet.ts';
import type { SafeMode } from '../engine/deadManSwitch.ts';
import { ReferenceEngine } from '../engine/referenceEngine.ts';
import { AddressRiskBook, AmlContext, firstStageFeatures } from '../features/index.ts';
import type { ManualOverride } from '../policy/manualOverride.ts';
import type { Alert } from '../schemas/alert.ts';
import type { Command } from '../schemas/command.ts';
import type { Config } from '../schemas/config.ts';
import type { DeadLetter } from '../schemas/deadLetter.ts';
import { engineSink, type AckRecord } from '../sinks/engineSink.ts';
import { MemoryFeed } from '../sinks/memoryFeed.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import { applyPolicy, type PolicyControl } from './applyPolicy.ts';
import { computeFeatures } from './computeFeatures.ts';
import { decode, newDecodeStats } from './decode.ts';
import { deliver } from './deliver.ts';
import type { Decision, FeatureFrame, RawMessage } from './envelope.ts';
import { eventsJsonl } from './formats/eventsJsonl.ts';
import { emitEach } from './emitEach.ts';
import { heartbeats } from './heartbeats.ts';
import { keyBy } from './keyBy.ts';
import { scoreDetectors } from './scoreDetectors.ts';
import { staleFeedOptionsOf, staleFeeds } from './staleFeeds.ts';

/** The engine entering or leaving safe mode. */
export interface SafeModeEvent {
  readonly entered: boolean;
  readonly mode: SafeMode;
  readonly at: number;
}

/** Everything the embedded mode runs in one process, exposed for the demo, the page and tests. */
export interface EmbeddedRuntime {
  readonly engine: ReferenceEngine;
  readonly alerts: MemoryFeed<Alert>;
  readonly commands: MemoryFeed<Command>;
  readonly acks: MemoryFeed<AckRecord>;
  readonly deadLetters: MemoryFeed<DeadLetter>;
  /** The engine entering and leaving safe mode (dead-man switch). */
  readonly safeMode: MemoryFeed<SafeModeEvent>;
  readonly stats: ReturnType<typeof newDecodeStats>;
  readonly latency: ReturnType<typeof engineSink>['latency'];
  readonly haltLatency: ReturnType<typeof engineSink>['haltLatency'];
  /** Latency of each stage from an event's arrival to the engine's ack. */
  readonly stages: StageLatency;
  /** Heartbeats the engine took, and refused. */
  readonly heartbeats: { sent: number; rejected: number };
  /**
   * A person's halt or resume, through the policy (so the policy holds it: manual override wins).
   * Returns the commands it issued, already delivered to the engine; empty before `run` starts.
   */
  override(o: ManualOverride): Command[];
  /** Runs the source to completion through the pipeline. */
  run(): Promise<void>;
}

export interface EmbeddedOptions {
  readonly alerts?: Sink<Alert>[];
  readonly commands?: Sink<Command>[];
  /** An engine of the caller's (tests); otherwise a reference engine with the configured dead-man switch. */
  readonly engine?: ReferenceEngine;
  /**
   * The hash-chained audit trail (audit/auditLog.ts) every decision, ack and safe-mode change is
   * sealed into; shared with the desk so that one file holds one chain. The caller closes it.
   */
  readonly audit?: Sink<AuditEntry>;
  /** Heartbeats on the command channel and the engine's watchdog (default on). */
  readonly heartbeats?: boolean;
  /** Stops the heartbeats after this much wall time, as a hung pipeline would (dead-man demo). */
  readonly heartbeatsForMs?: number;
  /** The wall-clock stale-feed scan (default on). */
  readonly staleFeeds?: boolean;
  /** Each stage latency sample, e.g. to the Prometheus histogram. */
  readonly onStageSample?: (stage: PathStage, ms: number) => void;
  /** Names the heartbeat scope. */
  readonly pipelineId?: string;
  /**
   * The address risk lists (pipelines/riskLists.ts `openRiskLists(config.aml)`); each run reads
   * them through a book of its own (`derive()`), so label events never reach the caller's book.
   * Default: no lists (the address features are still computed, without list labels).
   */
  readonly riskBook?: AddressRiskBook;
}

/**
 * The embedded mode: a source of raw events-jsonl messages → decode → key → features (order flow
 * per venue-symbol, address features per address with `extra.riskBook`'s lists) → detectors
 * (those `config.detectors` selects) → policy → in-process reference engine, with in-memory feeds for alerts, commands and
 * acknowledgements. Live, so commands carry wall-clock `issuedAt`. Besides the pipeline: heartbeats
 * to the engine's dead-man switch, the stale-feed scan, the audit trail and stage latencies.
 */
export function embeddedRuntime(
  source: Observable<RawMessage>,
  config: Config,
  extra: EmbeddedOptions = {},
): EmbeddedRuntime {
  const p = config.policy;
  const safeMode = new MemoryFeed<SafeModeEvent>('safe-mode');
  const useHeartbeats = extra.heartbeats ?? true;
  const engine =
    extra.engine ??
    new ReferenceEngine('reference-engine', Date.now, {
      ...(useHeartbeats ? { deadMan: { timeoutMs: p.engine.deadManMs, safeMode: p.engine.safeMode } } : {}),
      onSafeMode: (e) => safeMode.write([e]),
    });
  const alerts = new MemoryFeed<Alert>('alerts');
  const commands = new MemoryFeed<Command>('commands');
  const acks = new MemoryFeed<AckRecord>('acks');
  const deadLetters = new MemoryFeed<DeadLetter>('dead-letters');
  const stats = newDecodeStats();
  const stages = new StageLatency(extra.onStageSample);
  const beats = { sent: 0, rejected: 0 };
  const audit = extra.audit;
  const record = (e: AuditEntry) => void audit?.write([e]);
  if (audit) safeMode.subscribe(({ value }) => record(safeModeEntry(engine.engineId, value)));

  const toEngine = engineSink(engine, (r) => {
    stages.record('engine-apply', r.ack.applyMs ?? 0);
    stages.record('event-to-ack', r.latencyMs);
    acks.write([r]);
    // Audited once the engine has it: the file write must not delay the halt.
    record(commandEntry(r.delivery.command));
    record(ackEntry(r));
  });
  // The engine is served first; produce is the time from the policy's decision to the engine.
  const engineFirst: Sink<CommandDelivery> = {
    name: toEngine.name,
    write(batch) {
      stages.record('produce', performance.now() - stages.lastMark);
      toEngine.write(batch);
    },
    flush: () => toEngine.flush(),
    close: () => toEngine.close(),
  };
  const commandViews = [commands, ...(extra.commands ?? [])];
  const alertSinks: Sink<Alert>[] = [
    alerts,
    ...(extra.alerts ?? []),
    {
      name: 'audit',
      write: (b) => b.forEach((a) => record(alertEntry(a))),
      flush: async () => {},
      close: async () => {},
    },
  ];
  const controls = new Subject<PolicyControl>();
  let pending: Command[] | null = null;
  let running = false;

  return {
    engine,
    alerts,
    commands,
    acks,
    deadLetters,
    safeMode,
    stats,
    latency: toEngine.latency,
    haltLatency: toEngine.haltLatency,
    stages,
    heartbeats: beats,
    override(o) {
      if (!running) return [];
      pending = [];
      controls.next({ kind: 'override', override: o });
      const issued = pending;
      pending = null;
      return issued;
    },
    async run() {
      const frames = new Subject<FeatureFrame>();
      const done = new Subject<void>();
      running = true;
      const side = [];
      if (useHeartbeats)
        side.push(
          heartbeats({
            pipelineId: extra.pipelineId ?? 'embedded',
            intervalMs: p.engine.heartbeatIntervalMs,
            ttlMs: p.engine.deadManMs,
          })
            .pipe(
              takeUntil(
                extra.heartbeatsForMs !== undefined ? merge(done, timer(extra.heartbeatsForMs)) : done,
              ),
            )
            .subscribe((c) => {
              beats.sent++;
              if (engine.apply(c).status === 'REJECTED') beats.rejected++;
            }),
        );
      const stopWatchdog = useHeartbeats ? engine.startWatchdog(250) : () => {};
      if (extra.staleFeeds ?? true)
        side.push(
          frames
            .pipe(staleFeeds(staleFeedOptionsOf(p, asyncScheduler)))
            .subscribe((a) => alertSinks.forEach((s) => void s.write([a]))),
        );
      try {
        await lastValueFrom(
          source.pipe(
            tap((raw) => stages.begin(raw.arrivalMs)),
            decode(eventsJsonl, (d) => deadLetters.write([d]), stats),
            tap(() => stages.mark('decode')),
            keyBy(),
            // The features and slots are new for each run: venue_premium's board and the address
            // features' transfer graph are per pipeline.
            computeFeatures(
              detectorFeatures(
                firstStageFeatures(
                  new AmlContext(extra.riskBook?.derive() ?? new AddressRiskBook(), {
                    maxNodes: config.aml.graphMaxNodes,
                  }),
                ),
                config.detectors,
              ),
            ),
            tap((f) => {
              stages.mark('features');
              frames.next(f);
            }),
            scoreDetectors(detectorSlots(config.detectors)),
            tap(() => stages.mark('detectors')),
            applyPolicy(p, { clock: () => Date.now(), controls }),
            tap((d: Decision) => {
              // A control (manual override) is not a message of the source: its path starts here.
              if (d.scored.frame.seq !== -1) stages.mark('policy');
              else {
                stages.begin(performance.now());
                pending?.push(...d.commands);
              }
            }),
            deliver({
              commands: [
                engineFirst,
                {
                  name: 'command-views',
                  write: (b) => commandViews.forEach((s) => void s.write(b.map((d) => d.command))),
                  flush: async () => {},
                  close: async () => {},
                },
              ],
              alerts: alertSinks,
            }),
            emitEach((_d, _emit: (x: never) => void) => {}),
            defaultIfEmpty(null),
          ),
        );
      } finally {
        running = false;
        done.next();
        frames.complete();
        stopWatchdog();
        for (const s of side) s.unsubscribe();
        await audit?.flush();
      }
    },
  };
}
