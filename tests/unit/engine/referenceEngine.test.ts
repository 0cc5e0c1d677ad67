import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { Command } from '../../../schemas/command.ts';

const scope = {
  level: 'venue-symbol' as const,
  key: 'vs:venue-a:SOLUSDT',
  venue: 'venue-a',
  symbol: 'SOLUSDT',
};
const cmd = (action: Command['action'], sequence: number, extra: Partial<Command> = {}): Command =>
  Command.parse({
    commandId: `cmd-${action}-${sequence}`,
    sequence,
    action,
    scope,
    eventTime: 1000,
    issuedAt: 1000,
    expiresAt: 61_000,
    reason: { code: 'TEST', text: 'test' },
    ...extra,
  });
const order = { venue: 'venue-a', symbol: 'SOLUSDT', account: 'acct-1' };

describe('reference engine - idempotency and restrictions', () => {
  it('applies a command once; a repeat answers DUPLICATE and changes nothing', () => {
    const engine = new ReferenceEngine('e', () => 2000);
    const halt = cmd('HALT', 1);
    expect(engine.apply(halt).status).toBe('APPLIED');
    const again = engine.apply(halt);
    expect(again.status).toBe('DUPLICATE');
    expect(again.commandId).toBe(halt.commandId);
    expect(engine.applied).toBe(1);
    expect(engine.duplicates).toBe(1);
    expect(engine.activeRestrictions()).toHaveLength(1);
  });

  it('refuses orders while halted and accepts them after RESUME', () => {
    const engine = new ReferenceEngine('e', () => 2000);
    expect(engine.submitOrder(order).accepted).toBe(true);
    engine.apply(cmd('HALT', 1));
    const refused = engine.submitOrder(order);
    expect(refused).toEqual({ accepted: false, reason: 'halted: vs:venue-a:SOLUSDT' });
    expect(engine.submitOrder({ ...order, symbol: 'BTCUSDT' }).accepted).toBe(true);
    engine.apply(cmd('RESUME', 2));
    expect(engine.submitOrder(order).accepted).toBe(true);
  });

  it('lets only reducing orders through under REDUCE_ONLY, and a fraction under THROTTLE', () => {
    const engine = new ReferenceEngine('e', () => 2000);
    engine.apply(cmd('REDUCE_ONLY', 1, { magnitude: 0.5 }));
    expect(engine.submitOrder(order).accepted).toBe(false);
    expect(engine.submitOrder({ ...order, reduceOnly: true }).accepted).toBe(true);
    engine.apply(cmd('RESUME', 2));
    engine.apply(cmd('THROTTLE', 3, { magnitude: 0.25 }));
    const accepted = Array.from({ length: 100 }, () => engine.submitOrder(order).accepted).filter(
      Boolean,
    ).length;
    expect(accepted).toBe(25);
  });

  it('rejects a stale sequence and an expired command with the reason', () => {
    let now = 2000;
    const engine = new ReferenceEngine('e', () => now);
    engine.apply(cmd('HALT', 5));
    const stale = engine.apply(cmd('THROTTLE', 4));
    expect(stale.status).toBe('REJECTED');
    expect(stale.reason).toContain('stale sequence 4');
    now = 100_000;
    const late = engine.apply(cmd('HALT', 6, { commandId: 'late' }));
    expect(late.status).toBe('REJECTED');
    expect(late.reason).toContain('expired');
    expect(engine.activeRestrictions()[0]!.commandId).toBe('cmd-HALT-5');
  });
});
