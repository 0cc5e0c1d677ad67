import type { IHeaders } from 'kafkajs';

/**
 * Headers that carry wall-clock times (epoch ms, fractional) along the command path, so that the
 * event-to-ack latency of every command can be split into its stages wherever the ack is read:
 * the event's produce time, its arrival at the pipeline, the decision, the engine's receipt and
 * acknowledgement. Every process on one machine reads the same clock; across machines the split
 * is as good as their clock sync, the total is measured on the reader's clock only when it also
 * produced the event.
 */
export const HEADER = {
  eventProduced: 'fg-event-ts',
  received: 'fg-recv-ts',
  decided: 'fg-decided-ts',
  engineReceived: 'fg-engine-recv-ts',
  engineAcked: 'fg-engine-ack-ts',
  action: 'action',
  commandId: 'commandId',
} as const;

/** Wall-clock now in ms with sub-millisecond resolution. */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** A numeric header, or undefined when absent or not a number. */
export function headerNumber(headers: IHeaders | undefined, name: string): number | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const n = Number(Array.isArray(v) ? v[0]?.toString() : v.toString());
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
