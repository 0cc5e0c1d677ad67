import { describe, expect, it } from 'vitest';
import { marketFeatures } from '../../../../features/index.ts';
import { controlOf, overrideMessage } from '../../../../pipelines/controlMessages.ts';
import { formatFor } from '../../../../pipelines/formats/index.ts';
import { snapshotOf } from '../../../../pipelines/state/changelog.ts';
import { PartitionTask, type TaskContext } from '../../../../pipelines/state/partitionTask.ts';
import type { ManualOverride } from '../../../../policy/manualOverride.ts';
import { venueSymbolScope } from '../../../../policy/scopes.ts';
import type { Command } from '../../../../schemas/command.ts';
import { Config } from '../../../../schemas/config.ts';
import { simulateMarket } from '../../../../simulator/marketSimulator.ts';

const lines = [...simulateMarket({ seed: 3 }, 60_000)].map((e) => JSON.stringify(e));
const SOL = venueSymbolScope('venue-a', 'SOLUSDT');
const override = (action: ManualOverride['action'], requestId: string, time: number): ManualOverride => ({
  requestId,
  scope: SOL,
  action,
  user: 'olga',
  why: 'checked by hand',
  time,
});

/** A task without detectors: only people move its policy. */
function task(snapshot?: ReturnType<typeof snapshotOf>) {
  const commands: Command[] = [];
  const ctx: TaskContext = {
    format: formatFor('events-jsonl', ''),
    features: marketFeatures,
    detectors: [],
    policy: Config.parse({}).policy,
    clock: (s) => s.frame.eventTime,
    deadLetters: () => undefined,
    now: () => 0,
    outputs: {
      commands: [
        {
          name: 'c',
          write: (b) => void commands.push(...b.map((d) => d.command)),
          flush: async () => undefined,
          close: async () => undefined,
        },
      ],
      alerts: [],
      decisions: [],
    },
  };
  return { t: new PartitionTask(0, ctx, snapshot), commands };
}

const feed = (t: PartitionTask, from: number, to: number) => {
  for (let i = from; i < to; i++)
    t.process(
      { seq: i, bytes: lines[i]!, origin: { topic: 'e', partition: 0, offset: String(i) }, arrivalMs: 0 },
      i,
      0,
    );
};

describe('partition task - control messages (a person’s override through the policy)', () => {
  it('a manual halt is issued by the task’s policy, held across a checkpoint and restore, and lifted by a manual resume', () => {
    const a = task();
    feed(a.t, 0, 1_000);
    a.t.control({ kind: 'override', override: override('HALT', 'req-halt', 1_000) }, 1_000, 0);
    expect(a.commands.map((c) => `${c.action} ${c.scope.key} ${c.issuedBy?.user}`)).toEqual([
      'HALT vs:venue-a:SOLUSDT olga',
    ]);
    expect(a.t.counts).toMatchObject({ messages: 1_001, controls: 1 });
    const cp = a.t.snapshot()!;
    a.t.confirm(cp);
    const m = new Map(cp.records.map((r) => [r.key, r.value]));
    m.set(cp.manifestRecord.key, cp.manifestRecord.value);

    const b = task(snapshotOf(0, m));
    expect(b.t.nextOffset).toBe(1_001);
    feed(b.t, 1_001, lines.length);
    expect(b.commands).toEqual([]); // calm markets do not lift a person's halt
    b.t.control({ kind: 'override', override: override('RESUME', 'req-resume', 2_000) }, lines.length, 0);
    expect(b.commands.map((c) => `${c.action} ${c.scope.key} #${c.sequence} ${c.reason.code}`)).toEqual([
      'RESUME vs:venue-a:SOLUSDT #2 MANUAL_RESUME',
    ]);
  });

  it('the control message travels keyed like the venue-symbol’s events and decodes back; anything else is refused', () => {
    const o = override('HALT', 'req-1', 1_000);
    const msg = overrideMessage(o);
    expect(msg.key).toBe('venue-a:SOLUSDT');
    expect(controlOf({ headers: msg.headers, value: Buffer.from(msg.value) })).toEqual({ override: o });
    expect(controlOf({ headers: {}, value: Buffer.from(msg.value) })).toBeUndefined();
    expect(controlOf({ headers: msg.headers, value: Buffer.from('{') })).toMatchObject({ error: /not JSON/ });
    expect(controlOf({ headers: { 'fg-control': 'reboot' }, value: Buffer.from('{}') })).toMatchObject({
      error: /unknown control/,
    });
    const venue = {
      ...o,
      scope: { level: 'venue', key: 'venue:venue-a', venue: 'venue-a' },
    } as ManualOverride;
    expect(() => overrideMessage(venue)).toThrow(RangeError);
    expect(controlOf({ headers: msg.headers, value: Buffer.from(JSON.stringify(venue)) })).toMatchObject({
      error: /only venue-symbol/,
    });
  });
});
