import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client). One registry per process, on purpose: every
 * part updates it through the small functions below and `GET /metrics` renders it. Names and
 * labels are a contract with dashboards and alert rules (docs/risk-desk.md lists them).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const events = new Counter({
  name: 'flowguard_events_total',
  help: 'Input events decoded and validated (rate() gives events/s)',
  labelNames: ['source'] as const,
  registers: [registry],
});

const lag = new Gauge({
  name: 'flowguard_consumer_lag',
  help: 'Messages between the committed offset and the end of the partition',
  labelNames: ['topic', 'partition'] as const,
  registers: [registry],
});

const stageLatency = new Histogram({
  name: 'flowguard_stage_latency_seconds',
  help: 'Processing-time latency per pipeline stage (event-to-ack: arrival of the event to the engine ack)',
  labelNames: ['stage'] as const,
  // 50 µs to ~3 s: the command path must stay well under the half-second halt budget.
  buckets: [5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

const alerts = new Counter({
  name: 'flowguard_alerts_total',
  help: 'Alerts raised, by severity and detector',
  labelNames: ['severity', 'detector'] as const,
  registers: [registry],
});

const commands = new Counter({
  name: 'flowguard_commands_total',
  help: 'Circuit-breaker commands issued, by action and origin (policy or manual)',
  labelNames: ['action', 'origin'] as const,
  registers: [registry],
});

const deadLetters = new Counter({
  name: 'flowguard_dead_letters_total',
  help: 'Messages sent to the dead-letter sink, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

const sinkFill = new Gauge({
  name: 'flowguard_sink_buffer_fill_ratio',
  help: 'How full a sink buffer is, 0..1 (1: the sink is dropping)',
  labelNames: ['sink'] as const,
  registers: [registry],
});

const sinkDropped = new Counter({
  name: 'flowguard_sink_dropped_total',
  help: 'Records a sink had to drop (buffer full or retries exhausted), by sink',
  labelNames: ['sink'] as const,
  registers: [registry],
});

const httpRequests = new Counter({
  name: 'flowguard_http_requests_total',
  help: 'Risk-desk HTTP requests, by route and status',
  labelNames: ['route', 'status'] as const,
  registers: [registry],
});

const scrapeHooks = new Set<() => void>();

/** Counts `n` decoded input events. */
export function countEvents(n = 1, source = 'pipeline'): void {
  events.inc({ source }, n);
}

/** Sets the lag of one consumed partition. */
export function setConsumerLag(topic: string, partition: number, messages: number): void {
  lag.set({ topic, partition: String(partition) }, messages);
}

/** Records one latency sample of a stage, in milliseconds (as `performance.now()` differences are). */
export function observeStageLatency(stage: string, ms: number): void {
  stageLatency.observe({ stage }, ms / 1000);
}

/** Counts one alert. */
export function countAlert(severity: string, detector: string): void {
  alerts.inc({ severity, detector });
}

/** Counts one command sent to the engine. */
export function countCommand(action: string, origin: 'policy' | 'manual' = 'policy'): void {
  commands.inc({ action, origin });
}

/** Counts one dead letter. */
export function countDeadLetter(reason: string): void {
  deadLetters.inc({ reason });
}

/** Sets a sink's buffer fill, 0..1. */
export function setSinkBufferFill(sink: string, ratio: number): void {
  sinkFill.set({ sink }, Math.min(1, Math.max(0, ratio)));
}

/** Counts `n` records a sink dropped. */
export function countSinkDropped(sink: string, n: number): void {
  sinkDropped.inc({ sink }, n);
}

/** Counts one HTTP request of the risk desk. */
export function countHttpRequest(route: string, status: number): void {
  httpRequests.inc({ route, status: String(status) });
}

/**
 * Runs `hook` before every scrape, for values read rather than pushed (a running total kept
 * elsewhere, a buffer's size). Returns the function that removes it.
 */
export function onScrape(hook: () => void): () => void {
  scrapeHooks.add(hook);
  return () => scrapeHooks.delete(hook);
}

/** The Prometheus text exposition of every metric, and its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  for (const hook of scrapeHooks) hook();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
