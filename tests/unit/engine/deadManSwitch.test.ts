import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { heartbeatScope } from '../../../pipelines/heartbeats.ts';
import { Command } from '../../../schemas/command.ts';

const order = { venue: 'venue-a', symbol: 'SOLUSDT', account: 'acct-1' };
const beat = (seq: number, at: number): Command =>
  Command.parse({
    commandId: `hb-${seq}`,
    sequence: seq,
    action: 'HEARTBEAT',
    scope: heartbeatScope('p1'),
    eventTime: at,
    issuedAt: at,
    expiresAt: at + 5000,
    reason: { code: 'HEARTBEAT', text: 'alive' },
  });
const resumeAll = (seq: number, at: number): Command =>
  Command.parse({
    commandId: `resume-${seq}`,
    sequence: seq,
    action: 'RESUME',
    scope: { level: 'global', key: 'global' },
    eventTime: at,
    issuedAt: at,
    reason: { code: 'MANUAL_RESUME', text: 'pipeline back' },
    issuedBy: { user: 'ann', why: 'pipeline restarted and healthy' },
  });

function setup(safeMode: 'HALT' | 'REDUCE_ONLY' = 'HALT') {
  let now = 1_000_000;
  const events: string[] = [];
  const engine = new ReferenceEngine('e', () => now, {
    deadMan: { timeoutMs: 3000, safeMode },
    onSafeMode: (e) =>
      events.push(`${e.entered ? 'enter' : 'leave'} ${e.mode.action} at ${e.at - 1_000_000}`),
  });
  return { engine, events, advance: (ms: number) => (now += ms), at: () => now };
}

describe('dead-man switch - reference engine in virtual time', () => {
  it('stays normal while heartbeats come, enters safe mode when they stop for the configured time', () => {
    const { engine, events, advance, at } = setup();
    for (let i = 1; i <= 10; i++) {
      expect(engine.apply(beat(i, at())).status).toBe('APPLIED');
      advance(1000);
      expect(engine.tick()).toBeNull();
    }
    expect(engine.submitOrder(order).accepted).toBe(true);
    advance(1999); // 2999 ms since the last heartbeat
    expect(engine.tick()).toBeNull();
    advance(1);
    expect(engine.tick()).toMatchObject({ action: 'HALT' });
    expect(events).toEqual(['enter HALT at 12000']);
    expect(engine.submitOrder(order)).toEqual({ accepted: false, reason: 'halted: global' });
  });

  it('an order notices the silence by itself, without a timer', () => {
    const { engine, advance } = setup('REDUCE_ONLY');
    advance(3000);
    expect(engine.submitOrder(order)).toEqual({ accepted: false, reason: 'reduce-only: global' });
    expect(engine.submitOrder({ ...order, reduceOnly: true }).accepted).toBe(true);
  });

  it('heartbeats coming back do not leave safe mode: only an explicit global RESUME does, and the timer starts again', () => {
    const { engine, events, advance, at } = setup();
    advance(5000);
    engine.tick();
    for (let i = 1; i <= 5; i++) {
      engine.apply(beat(i, at()));
      advance(500);
    }
    expect(engine.safeMode).not.toBeNull();
    expect(engine.submitOrder(order).accepted).toBe(false);
    expect(engine.apply(resumeAll(1, at())).status).toBe('APPLIED');
    expect(engine.safeMode).toBeNull();
    expect(engine.submitOrder(order).accepted).toBe(true);
    advance(3000);
    expect(engine.tick()).not.toBeNull();
    expect(events).toEqual(['enter HALT at 5000', 'leave HALT at 7500', 'enter HALT at 10500']);
  });

  it('a late or stale heartbeat does not reset the timer', () => {
    const { engine, advance, at } = setup();
    const late = beat(1, at());
    advance(6000);
    expect(engine.apply(late)).toMatchObject({ status: 'REJECTED', rejectCode: 'EXPIRED' });
    expect(engine.safeMode).not.toBeNull();
    const { engine: e2, advance: adv2, at: at2 } = setup();
    e2.apply(beat(5, at2()));
    adv2(2000);
    expect(e2.apply(beat(4, at2()))).toMatchObject({ status: 'REJECTED', rejectCode: 'STALE_SEQUENCE' });
    adv2(1000);
    expect(e2.tick()).not.toBeNull();
  });
});

describe('dead-man switch - arming when the transport starts hearing', () => {
  it('armDeadMan starts the silence window again, so a slow start is not taken for silence', () => {
    const { engine, advance } = setup();
    advance(2500);
    expect(engine.armDeadMan()).toBe(true);
    advance(2999);
    expect(engine.tick()).toBeNull();
    advance(1);
    expect(engine.tick()).toMatchObject({ action: 'HALT' });
  });

  it('armDeadMan does not leave safe mode once the switch tripped', () => {
    const { engine, advance, at } = setup();
    advance(3000);
    expect(engine.armDeadMan()).toBe(false);
    expect(engine.safeMode).toMatchObject({ action: 'HALT' });
    expect(engine.apply(beat(1, at())).status).toBe('APPLIED');
    expect(engine.safeMode).not.toBeNull();
  });

  it('an engine without a dead-man switch has nothing to arm', () => {
    expect(new ReferenceEngine('e').armDeadMan()).toBe(false);
  });

  it('a day of heartbeats keeps the engine bounded: a retried latest one is DUPLICATE, an older one a stale sequence', () => {
    const { engine, advance, at } = setup();
    for (let i = 0; i < 86_400; i++) {
      expect(engine.apply(beat(i, at())).status).toBe('APPLIED');
      advance(1000);
    }
    expect(engine.apply(beat(86_399, at())).status).toBe('DUPLICATE');
    const old = engine.apply(beat(5, at()));
    expect(old).toMatchObject({ status: 'REJECTED', rejectCode: 'STALE_SEQUENCE' });
    // What the engine keeps per command id does not grow with heartbeats.
    expect((engine as unknown as { seen: Map<string, unknown> }).seen.size).toBeLessThanOrEqual(1);
    expect(engine.safeMode).toBeNull();
  });
});
