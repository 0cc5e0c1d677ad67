import { Agent, request } from 'node:http';
import { LatencyRecorder } from '../core/latency.ts';
import { ServiceError } from '../core/errors.ts';
import { Ack } from '../schemas/ack.ts';
import type { AckRecord } from '../sinks/engineSink.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signedHeaders, verifySignature } from './webhookSignature.ts';

export interface WebhookClientOptions {
  /** The engine's webhook, e.g. http://engine:8443/commands. */
  readonly url: string;
  /** HMAC-SHA256 key shared with the engine. */
  readonly secret: string;
  readonly timeoutMs?: number;
  /** Retries of a POST that failed on the network or with 5xx; the same commandId makes them safe. */
  readonly retries?: number;
  /** First retry delay, doubled each time. */
  readonly backoffMs?: number;
  /** Deliveries waiting before the oldest are dropped (and counted). */
  readonly maxQueue?: number;
  readonly maxSkewMs?: number;
  /** Wall clock for signatures, epoch ms. */
  readonly now?: () => number;
  readonly onAck?: (r: AckRecord) => void;
  /** A delivery given up on (after retries, or refused by the engine as unauthenticated or invalid). */
  readonly onError?: (err: ServiceError, delivery: CommandDelivery) => void;
}

export interface WebhookStats {
  sent: number;
  acked: number;
  retried: number;
  failed: number;
  dropped: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Commands to an engine's HTTP webhook (engine/webhookServer.ts), as a sink: `write` only queues,
 * so a slow or absent engine never blocks the pipeline; one request at a time keeps the commands in
 * order. Each body is signed; each answer must be a signed Ack for the same commandId. Latency runs
 * from the triggering event's arrival to the verified ack, as for the in-process engine.
 */
export function webhookSink(o: WebhookClientOptions): Sink<CommandDelivery> & {
  readonly stats: WebhookStats;
  readonly latency: LatencyRecorder;
  readonly haltLatency: LatencyRecorder;
} {
  const {
    url,
    secret,
    timeoutMs = 2_000,
    retries = 3,
    backoffMs = 100,
    maxQueue = 10_000,
    maxSkewMs = 30_000,
  } = o;
  const now = o.now ?? Date.now;
  const target = new URL(url);
  if (target.protocol !== 'http:')
    throw new ServiceError(
      `webhook url ${url}: only http: is supported here; put TLS in front (docs/engine-protocol.md)`,
      {
        retriable: false,
      },
    );
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const queue: CommandDelivery[] = [];
  const stats: WebhookStats = { sent: 0, acked: 0, retried: 0, failed: 0, dropped: 0 };
  const latency = new LatencyRecorder();
  const haltLatency = new LatencyRecorder();
  let running: Promise<void> | null = null;
  let closed = false;

  const post = (body: string) =>
    new Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>(
      (resolve, reject) => {
        const req = request(
          target,
          {
            method: 'POST',
            agent,
            timeout: timeoutMs,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              ...signedHeaders(secret, body, now()),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                headers: res.headers,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      },
    );

  const deliver = async (d: CommandDelivery): Promise<void> => {
    const body = JSON.stringify(d.command);
    for (let attempt = 0; ; attempt++) {
      let failure: ServiceError;
      try {
        stats.sent++;
        const res = await post(body);
        if (res.status === 200) {
          const bad = verifySignature(
            secret,
            res.body,
            res.headers[TIMESTAMP_HEADER] as string | undefined,
            res.headers[SIGNATURE_HEADER] as string | undefined,
            now(),
            maxSkewMs,
          );
          const parsed = bad ? undefined : Ack.safeParse(JSON.parse(res.body));
          if (!parsed?.success || parsed.data.commandId !== d.command.commandId)
            throw new ServiceError(
              `engine answer for ${d.command.commandId} is not a valid signed ack: ${bad ?? 'wrong body'}`,
              {
                retriable: false,
              },
            );
          const latencyMs = performance.now() - d.arrivalMs;
          latency.record(latencyMs);
          if (d.command.action === 'HALT') haltLatency.record(latencyMs);
          stats.acked++;
          o.onAck?.({ ack: parsed.data, delivery: d, latencyMs });
          return;
        }
        failure = new ServiceError(`engine webhook answered ${res.status}: ${res.body.slice(0, 300)}`, {
          retriable: res.status >= 500 || res.status === 429,
        });
      } catch (err) {
        failure =
          err instanceof ServiceError
            ? err
            : new ServiceError(`engine webhook ${url}: ${(err as Error).message}`, { cause: err });
      }
      if (!failure.retriable || attempt >= retries || closed) {
        stats.failed++;
        o.onError?.(failure, d);
        return;
      }
      stats.retried++;
      await sleep(backoffMs * 2 ** attempt);
    }
  };

  const pump = async () => {
    while (queue.length > 0) await deliver(queue.shift()!);
    running = null;
  };

  return {
    name: `webhook:${url}`,
    stats,
    latency,
    haltLatency,
    write(batch) {
      if (closed) throw new ServiceError(`webhook sink ${url} is closed`, { retriable: false });
      for (const d of batch) {
        queue.push(d);
        if (queue.length > maxQueue) {
          queue.shift();
          stats.dropped++;
        }
      }
      running ??= pump();
    },
    async flush() {
      while (running) await running;
    },
    async close() {
      while (running) await running;
      closed = true;
      agent.destroy();
    },
  };
}
