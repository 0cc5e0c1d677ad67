import {
  countAlert,
  countCommand,
  countDeadLetter,
  countEvents,
  observeStageLatency,
  onScrape,
  setSinkBufferFill,
} from '../core/metrics.ts';
import type { EmbeddedRuntime } from '../pipelines/embedded.ts';
import type { Command } from '../schemas/command.ts';
import type { Config } from '../schemas/config.ts';
import type { InputEvent } from '../schemas/event.ts';
import type { AckRecord } from '../sinks/engineSink.ts';
import type { AccessConfig } from './accessConfig.ts';
import { MemoryAuditLog, type AuditEntry, type AuditLog } from './audit.ts';
import type { RiskDeskDeps } from './deps.ts';
import { mapFeed, type AckView } from './liveFeeds.ts';
import { MemoryHistory } from './memoryHistory.ts';
import { SeriesStore } from './seriesStore.ts';
import { venueSymbolKey } from '../pipelines/keyBy.ts';

// sinks/memoryFeed.ts keeps this many entries by default, as the embedded runtime's feeds do.
const FEED_CAPACITY = 10_000;

/** The risk desk wired to an embedded runtime, plus what the host feeds it. */
export interface EmbeddedDesk {
  readonly deps: RiskDeskDeps;
  readonly history: MemoryHistory;
  readonly series: SeriesStore;
  /** Market events as the source sends them, for the chart's prices. */
  observeEvent(e: InputEvent): void;
  /** Unsubscribes from the runtime's feeds. */
  stop(): void;
}

export function toAckView(r: AckRecord): AckView {
  const c = r.delivery.command;
  return {
    ...r.ack,
    action: c.action,
    scopeKey: c.scope.key,
    latencyMs: r.latencyMs,
    ...(c.issuedBy ? { issuedBy: c.issuedBy } : {}),
  };
}

/**
 * Everything the desk needs from the embedded mode: the runtime's feeds for the live stream, the
 * in-process engine for halts and manual commands, in-memory history and chart series fed from the
 * same feeds, and the Prometheus metrics the runtime's numbers give.
 */
export function embeddedDesk(
  rt: EmbeddedRuntime,
  o: {
    config: Config;
    access: AccessConfig;
    audit?: AuditLog;
    onAudit?: (e: AuditEntry) => void;
    /** Whether the pipeline still runs, for readiness. */
    running?: () => boolean;
    log?: (line: string) => void;
  },
): EmbeddedDesk {
  const history = new MemoryHistory();
  const series = new SeriesStore();
  const lastSequence = new Map<string, number>();
  const stops: (() => void)[] = [];

  const onCommand = (c: Command) => {
    history.addCommand(c);
    countCommand(c.action, c.issuedBy ? 'manual' : 'policy');
    if (!c.issuedBy) lastSequence.set(c.scope.key, Math.max(lastSequence.get(c.scope.key) ?? 0, c.sequence));
    if (c.evidence) series.recordScore(c.scope.key, c.eventTime, c.evidence.score);
  };
  for (const e of rt.alerts.since(0)) history.addAlert(e.value);
  for (const e of rt.commands.since(0)) onCommand(e.value);
  stops.push(
    rt.alerts.subscribe(({ value: a }) => {
      history.addAlert(a);
      countAlert(a.severity, a.detector);
      series.recordScore(a.key, a.eventTime, a.score);
    }),
    rt.commands.subscribe(({ value }) => onCommand(value)),
    rt.deadLetters.subscribe(({ value }) => countDeadLetter(value.reason)),
    rt.acks.subscribe(({ value }) => observeStageLatency('event-to-ack', value.latencyMs)),
  );
  let counted = 0;
  stops.push(
    onScrape(() => {
      countEvents(rt.stats.events - counted, 'simulator');
      counted = rt.stats.events;
      setSinkBufferFill('memory:alerts', rt.alerts.size / FEED_CAPACITY);
      setSinkBufferFill('memory:commands', rt.commands.size / FEED_CAPACITY);
      setSinkBufferFill('memory:acks', rt.acks.size / FEED_CAPACITY);
    }),
  );

  const deps: RiskDeskDeps = {
    mode: 'embedded',
    feeds: {
      epoch: Date.now(),
      alerts: rt.alerts,
      commands: rt.commands,
      acks: mapFeed(rt.acks, toAckView),
    },
    halts: {
      active: () => rt.engine.activeRestrictions(),
      sequenceOf: (key) => lastSequence.get(key),
    },
    gateway: {
      // The engine first, as for the policy's commands; then the views the page and history read.
      async deliver(command) {
        // A person's halt or resume goes through the policy, which then holds it (manual override
        // wins over scores and escalation) and issues the command itself; sent straight to the
        // engine, the policy would not know and could undo it automatically.
        const act = command.action;
        if (
          command.issuedBy &&
          o.running?.() &&
          (act === 'THROTTLE' || act === 'REDUCE_ONLY' || act === 'HALT' || act === 'RESUME')
        ) {
          const issued = rt.override({
            requestId: command.commandId,
            scope: command.scope,
            action: act,
            user: command.issuedBy.user,
            why: command.issuedBy.why,
            time: Date.now(),
          });
          if (issued.length === 0) return undefined; // the scope is already there: the policy now holds it
          const ids = new Set(issued.map((c) => c.commandId));
          const acks = rt.acks.since(0);
          for (let i = acks.length - 1; i >= 0; i--)
            if (ids.has(acks[i]!.value.ack.commandId)) return acks[i]!.value.ack;
          return undefined;
        }
        const arrivalMs = performance.now();
        const ack = rt.engine.apply(command);
        const latencyMs = performance.now() - arrivalMs;
        rt.commands.write([command]);
        rt.acks.write([{ ack, delivery: { command, arrivalMs }, latencyMs }]);
        return ack;
      },
    },
    history,
    series,
    audit: o.audit ?? new MemoryAuditLog(10_000, o.onAudit),
    access: o.access,
    policy: o.config.policy,
    readiness: async () => ({ pipeline: o.running?.() ?? true }),
    ...(o.log ? { log: o.log } : {}),
  };

  return {
    deps,
    history,
    series,
    observeEvent(e) {
      if (e.type === 'trade')
        series.recordPrice(venueSymbolKey(e.venue, e.symbol), e.eventTime, e.price, {
          symbol: e.symbol,
          venue: e.venue,
        });
      else if (e.type === 'ticker')
        series.recordPrice(venueSymbolKey(e.venue, e.symbol), e.eventTime, (e.bidPrice + e.askPrice) / 2, {
          symbol: e.symbol,
          venue: e.venue,
        });
    },
    stop() {
      for (const s of stops) s();
    },
  };
}
