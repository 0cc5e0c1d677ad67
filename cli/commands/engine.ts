import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/loadConfig.ts';
import { runEngineOnKafka } from '../../engine/kafkaAdapter.ts';
import { ReferenceEngine } from '../../engine/referenceEngine.ts';
import type { Command } from '../command.ts';
import { StopRequest } from '../stopRequest.ts';

const help = `Usage: flowguard engine --config FILE [--engine-id ID] [--no-dead-man] [--no-audit]

The reference trading engine on Kafka: reads circuit-breaker commands from the commands topic,
applies each commandId once, and answers APPLIED, REJECTED (with the reason) or DUPLICATE on the
acks topic. It shows the engine team the other side of the protocol (docs/engine-protocol.md).

Dead-man switch: every pipeline instance (flowguard run) sends a HEARTBEAT on the commands topic
every policy.engine.heartbeatIntervalMs. When no heartbeat from any instance came for
policy.engine.deadManMs, the engine puts all trading in safe mode (policy.engine.safeMode:
REDUCE_ONLY or HALT) and stays there, whatever heartbeats do later, until a global RESUME (an
admin's resume of 'global' on the risk desk). The timer starts when the engine starts: with no
pipeline running it enters safe mode after deadManMs. Safe-mode changes are printed on stderr and
sealed into the engine's own hash chain on the audit topic (engine/<engine id>/<start time>;
flowguard audit verify-topic checks it).

When its Kafka consumer stops for good (an error kafkajs does not retry), the engine stops and
exits with status 1, for its supervisor to start it again; it then answers re-delivered commands
DUPLICATE from the acks it reads back.

Options:
  --engine-id ID   the engineId in acks (default reference-engine)
  --no-dead-man    no dead-man switch (tests and benchmarks without a pipeline)
  --no-audit       no audit chain of the safe-mode changes

Example:
  flowguard engine --config deploy/flowguard.json`;

export const engineCommand: Command = {
  name: 'engine',
  summary: 'the reference engine on Kafka: applies commands once, acknowledges each',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'engine-id': { type: 'string', default: 'reference-engine' },
        'no-dead-man': { type: 'boolean', default: false },
        'no-audit': { type: 'boolean', default: false },
      },
    });
    const config = loadConfig(values.config);
    const link = config.policy.engine;
    const engine = new ReferenceEngine(values['engine-id'], Date.now, {
      ...(values['no-dead-man'] ? {} : { deadMan: { timeoutMs: link.deadManMs, safeMode: link.safeMode } }),
      onSafeMode: (e) =>
        console.error(
          e.entered
            ? `flowguard engine: SAFE MODE ${e.mode.action} on all trading: ${e.mode.reason}`
            : `flowguard engine: left safe mode on an explicit global RESUME`,
        ),
    });
    const stop = new StopRequest();
    const adapter = await runEngineOnKafka(engine, config.kafka, {
      audit: !values['no-audit'],
      onConsumerLost: stop.consumerLost,
    });
    console.error(
      `flowguard engine: ${engine.engineId} reading ${config.kafka.topics.commands}, answering on ${config.kafka.topics.acks}` +
        (values['no-dead-man']
          ? '; no dead-man switch'
          : `; ${link.safeMode} everywhere after ${link.deadManMs} ms without a heartbeat`),
    );
    await stop.stopped();
    const lost = stop.lost;
    if (lost)
      console.error(
        `flowguard engine: the Kafka consumer stopped for good (${lost.message}); exiting with status 1 so that the supervisor starts the engine again`,
      );
    await adapter.stop();
    console.error(
      `flowguard engine: ${engine.applied} applied, ${engine.duplicates} duplicates, ${engine.rejected} rejected`,
    );
    return lost ? 1 : 0;
  },
};
