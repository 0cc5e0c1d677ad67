import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultIfEmpty, lastValueFrom, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decoder, newDecodeStats } from '../../pipelines/decode.ts';
import { formatFor } from '../../pipelines/formats/index.ts';
import { replayFiles } from '../../pipelines/replay.ts';
import { mergedFiles } from '../../pipelines/sources/mergedFiles.ts';
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

  it('the ten Binance captures merged by event time: every line once, each file in its own order, venues side by side', async () => {
    const binance = shared('market/binance');
    const files = ['spot', 'usdm', 'cm'].flatMap((m) =>
      readdirSync(join(binance, m))
        .filter((f) => f.endsWith('.gz'))
        .sort()
        .map((f) => join(binance, m, f)),
    );
    const stats = newDecodeStats();
    const inputs = files.map((path) => ({
      path,
      decode: decoder(formatFor('binance-ws', path), () => {}, stats),
    }));
    const lastLine = new Map<string, number>();
    const fileClock = new Map<string, number>();
    let outOfFileOrder = 0;
    let clockSteps = 0;
    let key = -Infinity;
    let newest = -Infinity;
    let stepBack = 0;
    await lastValueFrom(
      mergedFiles(inputs).pipe(
        tap((e) => {
          if (e.event.type !== 'book' && e.event.type !== 'ticker' && e.event.type !== 'trade') return;
          // spot/ and usdm/ both hold btcusdt_20240808.gz: the venue tells them apart.
          const file = `${e.event.venue}/${e.origin.file}`;
          if ((lastLine.get(file) ?? 0) >= e.origin.line!) outOfFileOrder++;
          lastLine.set(file, e.origin.line!);
          const t = e.event.eventTime;
          const clock = Math.max(fileClock.get(file) ?? -Infinity, t);
          fileClock.set(file, clock);
          if (clock < key) clockSteps++;
          key = clock;
          stepBack = Math.max(stepBack, newest - t);
          newest = Math.max(newest, t);
        }),
        defaultIfEmpty(null),
      ),
    );
    expect(stats).toEqual({ messages: 524_627, events: 524_627, skipped: 0, deadLetters: 0 });
    expect(lastLine.size).toBe(10);
    expect(outOfFileOrder).toBe(0);
    // The merge key (each file's newest event time so far) never goes back.
    expect(clockSteps).toBe(0);
    // Events older than one already merged: trades (a trade's time is its match, up to ~0.2 s before
    // the message that carries it). Spot bookTickers, which carry no exchange time, are moved onto
    // the exchange's clock by binance-ws; on their raw receive stamps they would step back 1.27 s.
    expect(stepBack).toBeGreaterThan(0);
    expect(stepBack).toBeLessThan(500);
  }, 120_000);

  it('spot and coin-margined captures of 8 Aug replayed together: BTC and ETH paired across venues and assets', async () => {
    const files = ['spot/btcusdt', 'spot/ethusdt', 'cm/btcusd_perp', 'cm/ethusd_perp'].map((f) =>
      shared(`market/binance/${f}_20240808.gz`),
    );
    const [a, b] = [out(), out()];
    const s = await replayFiles({ files, format: 'binance-ws', out: a });
    expect(s.messages).toBe(41_249 + 33_618 + 48_270 + 40_454);
    expect(s.deadLetters).toBe(0);
    // BTC and ETH on each venue, and each asset on spot against the perpetual.
    expect(s.crossPairs).toBe(4);
    expect(s.crossLateMids).toBe(0);
    // 23:54:16-23:59:59 is about 680 ticks of 500 ms per pair.
    expect(s.crossFrames).toBeGreaterThan(4 * 650);
    expect(s.crossFrames).toBeLessThan(4 * 700);
    const again = await replayFiles({ files, format: 'binance-ws', out: b });
    expect(again.crossFrames).toBe(s.crossFrames);
    for (const name of ['alerts.jsonl', 'commands.jsonl'])
      expect(readFileSync(join(a, name))).toEqual(readFileSync(join(b, name)));
  }, 120_000);
});
