import { describe, expect, it } from 'vitest';
import { heartbeatScope } from '../../../pipelines/heartbeats.ts';
import { Command } from '../../../schemas/command.ts';
import { commandHalts } from '../../../server/commandHalts.ts';

const SOL = {
  level: 'venue-symbol',
  key: 'vs:venue-a:SOLUSDT',
  venue: 'venue-a',
  symbol: 'SOLUSDT',
} as const;
const cmd = (action: Command['action'], sequence: number, at: number, scope: Command['scope'] = SOL) =>
  Command.parse({
    commandId: `c-${action}-${sequence}-${scope.key}`,
    sequence,
    action,
    scope,
    eventTime: at,
    issuedAt: at,
    expiresAt: at + 60_000,
    reason: { code: action === 'HEARTBEAT' ? 'HEARTBEAT' : 'SCORE_THRESHOLD', text: 'x' },
  });

describe('desk halts from the commands topic', () => {
  it('follows the commands as the engine applies them, even a backlog older than their expiry', () => {
    const h = commandHalts();
    const old = Date.now() - 86_400_000;
    h.apply(cmd('THROTTLE', 1, old));
    h.apply(cmd('HALT', 2, old + 10));
    h.apply(cmd('HEARTBEAT', 99, old + 20, heartbeatScope('g/a')));
    expect(h.active().map((r) => `${r.action} ${r.scope.key}`)).toEqual(['HALT vs:venue-a:SOLUSDT']);
    expect(h.sequenceOf!('vs:venue-a:SOLUSDT')).toBe(2);
    // A stale command (lower sequence) is ignored, as the engine refuses it.
    h.apply(cmd('RESUME', 1, old + 30));
    expect(h.active()).toHaveLength(1);
    h.apply(cmd('RESUME', 3, old + 40));
    expect(h.active()).toEqual([]);
    expect(h.sequenceOf!('heartbeat:g/a')).toBeUndefined();
  });
});
