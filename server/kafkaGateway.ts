import type { Producer } from 'kafkajs';
import { overrideMessage } from '../pipelines/controlMessages.ts';
import type { ManualOverride } from '../policy/manualOverride.ts';
import type { Command } from '../schemas/command.ts';
import type { KafkaConfig } from '../schemas/kafkaConfig.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import type { CommandGateway } from './commandGateway.ts';

const HELD = new Set<Command['action']>(['THROTTLE', 'REDUCE_ONLY', 'HALT', 'RESUME']);

/**
 * The desk's manual commands in the distributed mode; resolves once Kafka holds the message
 * (the ack comes later on the acks topic, so the desk answers 202).
 *
 * - A person's halt, reduce-only, throttle or resume of a **venue-symbol** goes through the policy,
 *   as in the embedded mode: it becomes a control message on the events topic
 *   (pipelines/controlMessages.ts), keyed like the venue-symbol's events, so the partition task
 *   that owns the scope's policy state takes it in order, holds it (a manual halt is not undone by
 *   calm scores, a manual resume is not undone at once by high ones) and issues the command itself.
 * - Every other scope (venue, symbol, account, address, global) goes straight to the commands
 *   topic: no single partition owns their policy state (escalation is off in the distributed mode,
 *   so the policy never restricts venue, symbol or global scopes, and an address's state may be in
 *   the partitions of both sides of its transfers). A global RESUME ends the engine's safe mode.
 *   With a webhook engine they are also POSTed to it (the policy's own go there from the task).
 */
export function kafkaGateway(
  producer: Producer,
  config: KafkaConfig,
  /** The engine's webhook (pipelines/webhookOutput.ts): direct commands are POSTed there too. */
  webhook?: Sink<CommandDelivery>,
): CommandGateway {
  return {
    async deliver(command) {
      const by = command.issuedBy;
      if (by && command.scope.level === 'venue-symbol' && HELD.has(command.action)) {
        const override: ManualOverride = {
          requestId: command.commandId,
          scope: command.scope,
          action: command.action as ManualOverride['action'],
          user: by.user,
          why: by.why,
          time: command.issuedAt,
        };
        await producer.send({ topic: config.topics.events, acks: -1, messages: [overrideMessage(override)] });
        return undefined;
      }
      await producer.send({
        topic: config.topics.commands,
        acks: -1,
        messages: [{ key: command.scope.key, value: JSON.stringify(command) }],
      });
      await webhook?.write([{ command, arrivalMs: performance.now() }]);
      return undefined;
    },
  };
}
