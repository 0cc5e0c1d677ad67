import { SCHEMA_VERSION } from '../schemas/common.ts';
import type { Ack } from '../schemas/ack.ts';
import { Command } from '../schemas/command.ts';
import type { ReferenceEngine } from './referenceEngine.ts';

/** What an engine transport does with one message: answer with an ack, or dead-letter it. */
export type Handled =
  | { readonly ack: Ack; readonly command?: Command }
  | { readonly deadLetter: { readonly reason: string; readonly issues: readonly string[] } };

/**
 * The transport-neutral half of the protocol: decodes one message (Kafka value or webhook body),
 * validates it against the Command schema and applies it once. A message that does not validate
 * but names a `commandId` is answered REJECTED (rejectCode INVALID) with the issues, so the sender
 * learns of it; one without a usable `commandId` cannot be answered and is dead-lettered.
 */
export function handleCommand(engine: ReferenceEngine, bytes: string, now: () => number = Date.now): Handled {
  let json: unknown;
  try {
    json = JSON.parse(bytes);
  } catch (err) {
    return { deadLetter: { reason: 'engine: command is not JSON', issues: [(err as Error).message] } };
  }
  const parsed = Command.safeParse(json);
  if (parsed.success) return { ack: engine.apply(parsed.data), command: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const id = (json as { commandId?: unknown } | null)?.commandId;
  if (typeof id === 'string' && id.length > 0 && id.length <= 256)
    return {
      ack: {
        schemaVersion: SCHEMA_VERSION,
        commandId: id,
        status: 'REJECTED',
        rejectCode: 'INVALID',
        reason: `invalid command: ${issues.join('; ')}`.slice(0, 2000),
        engineId: engine.engineId,
        ackedAt: now(),
      },
    };
  return { deadLetter: { reason: 'engine: invalid command without a commandId', issues } };
}
