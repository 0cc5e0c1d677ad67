import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayFiles } from '../../pipelines/replay.ts';
import { Alert } from '../../schemas/alert.ts';
import { Command } from '../../schemas/command.ts';
import { shared } from '../support/shared.ts';

const out = () => mkdtempSync(join(tmpdir(), 'flowguard-replay-'));
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('replay - real captures', () => {
  it('processes every one of the 93,954 messages of the USD-M BTCUSDT capture', async () => {
    const s = await replayFiles({
      files: [shared('market/binance/usdm/btcusdt_20240808.gz')],
      format: 'binance-ws',
      out: out(),
    });
    expect(s.messages).toBe(93_954);
    expect(s.events + s.skipped + s.deadLetters).toBe(93_954);
    expect(s.deadLetters).toBe(0);
  });

  it('pump trades: alerts and commands carry the fields DESIGN.md names, and two replays are byte-identical', async () => {
    const file = shared('pumps/trades/GVT_2021-01-23_21.00.csv');
    const [a, b] = [out(), out()];
    const s1 = await replayFiles({ files: [file], format: 'binance-trades', out: a });
    await replayFiles({ files: [file], format: 'binance-trades', out: b });
    expect(s1.commands).toBeGreaterThan(0);
    for (const name of ['alerts.jsonl', 'commands.jsonl']) {
      expect(readFileSync(join(a, name))).toEqual(readFileSync(join(b, name)));
    }
    const alerts = lines(join(a, 'alerts.jsonl')).map((l) => Alert.parse(JSON.parse(l)));
    for (const al of alerts) {
      expect(al).toMatchObject({
        alertId: expect.any(String),
        eventTime: expect.any(Number),
        symbol: 'GVTBTC',
        venue: 'binance',
      });
      expect(al.topFeatures.length).toBeGreaterThan(0);
    }
    const commands = lines(join(a, 'commands.jsonl')).map((l) => Command.parse(JSON.parse(l)));
    for (const c of commands)
      expect(c).toMatchObject({
        commandId: expect.any(String),
        action: expect.any(String),
        issuedAt: c.eventTime,
      });
    expect(commands.map((c) => c.reason.text).join()).toMatch(/pump-rule/);
  });
});
