import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/loadConfig.ts';
import { runEngineOnKafka } from '../../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard engine --config FILE [--engine-id ID]

The reference trading engine on Kafka: reads circuit-breaker commands from the commands topic,
applies each commandId once, and answers APPLIED, REJECTED (with the reason) or DUPLICATE on the
acks topic. It shows the engine team the other side of the protocol (docs/engine-protocol.md).

Example:
  flowguard engine --config deploy/flowguard.json`;

export const engineCommand: Command = {
  name: 'engine',
  summary: 'the reference engine on Kafka: applies commands once, acknowledges each',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, 'engine-id': { type: 'string', default: 'reference-engine' } },
    });
    const config = loadConfig(values.config);
    const engine = new ReferenceEngine(values['engine-id']);
    const adapter = await runEngineOnKafka(engine, config.kafka);
    console.error(
      `flowguard engine: ${engine.engineId} reading ${config.kafka.topics.commands}, answering on ${config.kafka.topics.acks}`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await adapter.stop();
    console.error(
      `flowguard engine: ${engine.applied} applied, ${engine.duplicates} duplicates, ${engine.rejected} rejected`,
    );
    return 0;
  },
};
