import type { ReferenceEngine } from '../engine/referenceEngine.ts';
import { LatencyRecorder } from '../core/latency.ts';
import type { Ack } from '../schemas/ack.ts';
import type { CommandDelivery, Sink } from './sink.ts';

/** Per halt: its command id, the ack and the latency from the triggering event's arrival to the ack. */
export interface AckRecord {
  readonly ack: Ack;
  readonly delivery: CommandDelivery;
  readonly latencyMs: number;
}

/**
 * Delivers commands to an in-process engine (the embedded mode) and records, for every command,
 * the latency from the arrival of the event that triggered it to the engine's acknowledgement.
 */
export function engineSink(engine: ReferenceEngine, onAck: (r: AckRecord) => void = () => {}) {
  const latency = new LatencyRecorder();
  const haltLatency = new LatencyRecorder();
  const sink: Sink<CommandDelivery> & { latency: LatencyRecorder; haltLatency: LatencyRecorder } = {
    name: `engine:${engine.engineId}`,
    latency,
    haltLatency,
    write(batch) {
      for (const delivery of batch) {
        const ack = engine.apply(delivery.command);
        const latencyMs = performance.now() - delivery.arrivalMs;
        latency.record(latencyMs);
        if (delivery.command.action === 'HALT') haltLatency.record(latencyMs);
        onAck({ ack, delivery, latencyMs });
      }
    },
    async flush() {},
    async close() {},
  };
  return sink;
}
