import { describe, expect, it } from 'vitest';
import type { SafeMode } from '../../../engine/deadManSwitch.ts';
import { safeModeWatch, type SafeModeChange } from '../../../engine/safeModeWatch.ts';

const mode = (since: number): SafeMode => ({
  action: 'HALT',
  since,
  lastHeartbeatAt: Number.NaN,
  reason: 'quiet',
});

describe('safe-mode watch', () => {
  it('reports entering and leaving once each, a safe mode already in force at the first check, and a new one after a resume', () => {
    const engine: { safeMode: SafeMode | null } = { safeMode: mode(10) };
    const seen: SafeModeChange[] = [];
    const check = safeModeWatch(
      engine,
      (c) => seen.push(c),
      () => 99,
    );
    check();
    check();
    engine.safeMode = null;
    check();
    engine.safeMode = mode(50);
    check();
    expect(seen.map((c) => `${c.entered ? 'enter' : 'leave'} ${c.mode.since} at ${c.at}`)).toEqual([
      'enter 10 at 10',
      'leave 10 at 99',
      'enter 50 at 50',
    ]);
  });
});
