import type { IHeaders, KafkaMessage } from 'kafkajs';
import { ManualOverride } from '../policy/manualOverride.ts';

/** The header that marks a message of the events topic as a control for the policy, not an event. */
export const CONTROL_HEADER = 'fg-control';

/**
 * A person's halt or resume of one venue-symbol as a message of the **events** topic, keyed like
 * that venue-symbol's events (`venue:symbol`): it lands in the partition whose task holds the
 * scope's policy state, in order with its events, and is checkpointed and replayed with them, so
 * the policy holds the override (as in the embedded mode) and a replay re-issues the same command.
 * The value is the ManualOverride as JSON; the header tells it from an event whatever the input
 * format.
 */
export function overrideMessage(o: ManualOverride): { key: string; value: string; headers: IHeaders } {
  if (o.scope.level !== 'venue-symbol')
    throw new RangeError(`only venue-symbol overrides travel on the events topic, not ${o.scope.level}`);
  return {
    key: `${o.scope.venue}:${o.scope.symbol}`,
    value: JSON.stringify(o),
    headers: { [CONTROL_HEADER]: 'override' },
  };
}

/**
 * The control a message carries: undefined for an ordinary event, the override, or why the
 * control message is not valid (it is dead-lettered).
 */
export function controlOf(
  m: Pick<KafkaMessage, 'headers' | 'value'>,
): undefined | { override: ManualOverride } | { error: string } {
  const h = m.headers?.[CONTROL_HEADER];
  if (h === undefined) return undefined;
  const kind = (Array.isArray(h) ? h[0] : h)?.toString();
  if (kind !== 'override') return { error: `unknown control '${kind}'` };
  let json: unknown;
  try {
    json = JSON.parse(m.value?.toString('utf8') ?? '');
  } catch (err) {
    return { error: `control message is not JSON: ${(err as Error).message}` };
  }
  const r = ManualOverride.safeParse(json);
  if (!r.success)
    return { error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  if (r.data.scope.level !== 'venue-symbol') return { error: 'only venue-symbol overrides are accepted' };
  return { override: r.data };
}
