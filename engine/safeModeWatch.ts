import type { SafeMode } from './deadManSwitch.ts';
import type { ReferenceEngine } from './referenceEngine.ts';

/** The engine entering or leaving safe mode, as a watcher saw it. */
export interface SafeModeChange {
  readonly entered: boolean;
  readonly mode: SafeMode;
  readonly at: number;
}

/**
 * Reports the engine's safe-mode changes to `on`, for a transport that did not create the engine
 * (and so cannot pass `onSafeMode`): each `check()` compares the engine's safe mode with the last
 * one seen (none at first, so a safe mode already in force is reported by the first check). Call it
 * after every command and on a timer.
 */
export function safeModeWatch(
  engine: Pick<ReferenceEngine, 'safeMode'>,
  on: (change: SafeModeChange) => void,
  now: () => number = Date.now,
): () => void {
  let last: SafeMode | null = null;
  return () => {
    const current = engine.safeMode;
    if (current === last) return;
    if (last) on({ entered: false, mode: last, at: now() });
    if (current) on({ entered: true, mode: current, at: current.since });
    last = current;
  };
}
