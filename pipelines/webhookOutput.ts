import type { Producer } from 'kafkajs';
import { ConfigError } from '../core/errors.ts';
import { countSinkDropped } from '../core/metrics.ts';
import type { PendingWrites } from '../core/pendingWrites.ts';
import { webhookSink, type WebhookStats } from '../engine/webhookClient.ts';
import type { EngineLinkConfig } from '../schemas/config.ts';
import type { AckRecord } from '../sinks/engineSink.ts';
import { topicSink } from '../sinks/kafka/topicSink.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import { HEADER } from './state/latencyHeaders.ts';

export interface WebhookOutputOptions {
  readonly link: EngineLinkConfig;
  /** Where the webhook's acks go (the acks topic), so the desk and ack readers see them. */
  readonly producer: Producer;
  readonly acksTopic: string;
  /** The outputs the input commits wait for: a delivery counts as held once the webhook answered. */
  readonly pending: PendingWrites;
  readonly env?: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/**
 * The engine's HTTP webhook as a command output of the distributed mode, when
 * `policy.engine.webhookUrl` is set: every command (and heartbeat) the instance issues is POSTed,
 * signed, one request at a time in order (engine/webhookClient.ts), besides going to the commands
 * topic, which stays the record the audit chain and the desk read. Each verified ack is written to
 * the acks topic keyed by commandId. A delivery is tracked with the outputs, so a partition's
 * checkpoint (and input commit) waits until the webhook answered or its retries gave up: a crash
 * before that replays the command, which the engine answers DUPLICATE. A delivery given up on is
 * logged and counted (`flowguard_sink_dropped_total{sink="webhook:<url>"}`), not retried further
 * (the policy re-issues a restriction that still holds).
 */
export function webhookOutput(
  o: WebhookOutputOptions,
): (Sink<CommandDelivery> & { readonly stats: WebhookStats }) | undefined {
  const { link } = o;
  if (!link.webhookUrl) return undefined;
  const secret = (o.env ?? process.env)[link.webhookSecretEnv];
  if (!secret)
    throw new ConfigError(
      `policy.engine.webhookUrl is set but ${link.webhookSecretEnv} (policy.engine.webhookSecretEnv) is not: set it to the HMAC key shared with the engine`,
    );
  const acks = topicSink<AckRecord>(o.producer, o.pending, {
    topic: o.acksTopic,
    key: (r) => r.ack.commandId,
    value: (r) => JSON.stringify(r.ack),
    headers: (r) => ({ [HEADER.action]: r.delivery.command.action }),
  });
  const hook = webhookSink({
    url: link.webhookUrl,
    secret,
    timeoutMs: link.webhookTimeoutMs,
    retries: link.webhookRetries,
    maxQueue: link.webhookMaxQueue,
    maxSkewMs: link.webhookMaxSkewMs,
    onAck: (r) => void acks.write([r]),
    onError: (err, d) => {
      countSinkDropped(`webhook:${link.webhookUrl}`, 1);
      o.log(
        `webhook: gave up on ${d.command.action} ${d.command.scope.key} ${d.command.commandId}: ${err.message}`,
      );
    },
  });
  return {
    name: hook.name,
    stats: hook.stats,
    write(batch) {
      hook.write(batch);
      void o.pending.track(hook.flush());
    },
    flush: () => hook.flush(),
    close: () => hook.close(),
  };
}
