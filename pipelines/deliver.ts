import type { OperatorFunction } from 'rxjs';
import type { Alert } from '../schemas/alert.ts';
import type { CommandDelivery, Sink } from '../sinks/sink.ts';
import type { Decision } from './envelope.ts';
import { emitEach } from './emitEach.ts';

export interface Outputs {
  /** Command sinks, the engine first: it is served before anything else sees the decision. */
  readonly commands: readonly Sink<CommandDelivery>[];
  readonly alerts: readonly Sink<Alert>[];
  readonly decisions?: readonly Sink<Decision>[];
}

/**
 * The sink stage: commands go out first (the engine's path must never wait for history or
 * display), then alerts, then whole decisions (scores and features for history). Decisions pass
 * on downstream once every sink has them, for offset commits and accounting.
 */
export function deliver(outputs: Outputs): OperatorFunction<Decision, Decision> {
  return emitEach((d: Decision, emit: (d: Decision) => void) => {
    if (d.commands.length > 0) {
      const batch = d.commands.map((command) => ({ command, arrivalMs: d.scored.frame.arrivalMs }));
      for (const s of outputs.commands) void s.write(batch);
    }
    if (d.alerts.length > 0) for (const s of outputs.alerts) void s.write(d.alerts);
    if (outputs.decisions) for (const s of outputs.decisions) void s.write([d]);
    emit(d);
  });
}
