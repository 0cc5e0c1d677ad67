import type { Ack } from '../schemas/ack.ts';
import type { Command } from '../schemas/command.ts';

/**
 * How the desk's manual commands reach the trading engine. Embedded: the in-process engine
 * answers at once with its ack. Distributed: a Kafka producer sends to the commands topic keyed by
 * `scope.key` and resolves `undefined`; the ack arrives later on the acks stream.
 */
export interface CommandGateway {
  deliver(command: Command): Promise<Ack | undefined>;
}
