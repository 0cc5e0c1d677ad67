import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dislocationSlot } from '../../../detectors/rules/marketRules.ts';
import { replayFiles } from '../../../pipelines/replay.ts';
import { Alert } from '../../../schemas/alert.ts';
import { DeadLetter } from '../../../schemas/deadLetter.ts';

const T0 = Date.UTC(2024, 7, 8, 23, 54);
const MINUTES = 6.5;
/** From this time on the coin-margined perpetual quotes 120 bps above the market for 10 s. */
const JUMP = T0 + 6 * 60_000;

/** Deterministic random walk of the BTC price every 100 ms, shared by both venues. */
function prices(): number[] {
  let s = 7;
  let p = 60_000;
  return Array.from({ length: MINUTES * 600 + 1 }, () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    p *= 1 + (s / 2 ** 31 - 0.5) * 4e-4;
    return p;
  });
}

/**
 * A Binance websocket capture as ../shared/market/binance has them (`<receive ns> <combined-stream
 * JSON>`, gzipped): best bid/ask every 200 ms from `phaseMs` on, `extra` lines spliced in at
 * their line numbers (1-based).
 */
function capture(
  dir: string,
  market: string,
  name: string,
  symbol: string,
  phaseMs: number,
  quote: (t: number, mid: number) => number,
  extra: Record<number, string> = {},
): string {
  const mids = prices();
  const lines: string[] = [];
  let u = 1_000;
  for (let t = T0 + phaseMs; t < T0 + MINUTES * 60_000; t += 200) {
    const mid = quote(t, mids[Math.floor((t - T0) / 100)]!);
    const data = {
      u: u++,
      e: 'bookTicker',
      s: symbol,
      b: (mid - 0.05).toFixed(2),
      B: '1.5',
      a: (mid + 0.05).toFixed(2),
      A: '2.5',
      T: t,
      E: t + 3,
    };
    // The capture machine's clock is 1.27 s behind the exchange's, as in the real captures.
    lines.push(
      `${(t - 1_270) * 1e6} ${JSON.stringify({ stream: `${symbol.toLowerCase()}@bookTicker`, data })}`,
    );
  }
  for (const [at, line] of Object.entries(extra).sort((a, b) => Number(a[0]) - Number(b[0])))
    lines.splice(Number(at) - 1, 0, line);
  mkdirSync(join(dir, market), { recursive: true });
  const path = join(dir, market, name);
  writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
  return path;
}

function fixtures() {
  const dir = mkdtempSync(join(tmpdir(), 'flowguard-replay-'));
  const usdm = capture(dir, 'usdm', 'btcusdt_20240808.gz', 'BTCUSDT', 0, (_t, m) => m, {
    5: 'not a capture line',
  });
  const cm = capture(
    dir,
    'cm',
    'btcusd_perp_20240808.gz',
    'BTCUSD_PERP',
    100,
    (t, m) => (t >= JUMP && t < JUMP + 10_000 ? m * 1.012 : m * 1.0002),
    // A crossed quote: valid JSON, invalid event.
    {
      9: `${(T0 - 1_000) * 1e6} {"stream":"btcusd_perp@bookTicker","data":{"u":1,"s":"BTCUSD_PERP","b":"2","B":"1","a":"1","A":"1","T":${T0 + 1_500}}}`,
    },
  );
  return { dir, files: [usdm, cm] };
}

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
const lines = (dir: string, name: string) =>
  read(dir, name)
    .split('\n')
    .filter((l) => l !== '');

describe('replay - files merged by event time, cross-asset stage', () => {
  const { dir, files } = fixtures();

  it('two venues of one asset form a cross-venue pair whose features are computed and scored', async () => {
    const out = join(dir, 'out-a');
    const s = await replayFiles({ files, format: 'binance-ws', out, detectors: [dislocationSlot] });
    expect(s.crossPairs).toBe(1);
    expect(s.crossLateMids).toBe(0);
    // One frame per 500 ms tick once both legs have a mid and the 2 s lateness has passed.
    expect(s.crossFrames).toBeGreaterThan(MINUTES * 120 - 10);
    const alerts = lines(out, 'alerts.jsonl').map((l) => Alert.parse(JSON.parse(l)));
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a.detector).toBe('dislocation-rule');
      expect(a.eventTime).toBeGreaterThanOrEqual(JUMP);
      expect(a.eventTime).toBeLessThan(JUMP + 20_000);
      expect(a.topFeatures[0]!.feature).toBe('price_dislocation');
    }
    expect(s.commands).toBeGreaterThan(0);
  });

  it('replaying the same files twice gives byte-identical alerts and commands', async () => {
    const [a, b] = [join(dir, 'out-b1'), join(dir, 'out-b2')];
    await replayFiles({ files, format: 'binance-ws', out: a, detectors: [dislocationSlot] });
    await replayFiles({ files, format: 'binance-ws', out: b, detectors: [dislocationSlot] });
    for (const name of ['alerts.jsonl', 'commands.jsonl']) {
      expect(read(a, name).length).toBeGreaterThan(0);
      expect(read(a, name)).toBe(read(b, name));
    }
  });

  it('invalid lines are dead-lettered with their file and line, whatever the order', async () => {
    for (const order of ['event-time', 'file'] as const) {
      const out = join(dir, `out-c-${order}`);
      const s = await replayFiles({ files, format: 'binance-ws', out, order });
      expect(s.deadLetters).toBe(2);
      expect(s.messages).toBe(s.events + s.deadLetters);
      const letters = lines(out, 'deadletters.jsonl').map((l) => DeadLetter.parse(JSON.parse(l)));
      expect(letters.map((l) => [l.origin.file, l.origin.line, l.reason]).sort()).toEqual([
        ['btcusd_perp_20240808.gz', 9, 'binance-ws: schema validation failed'],
        ['btcusdt_20240808.gz', 5, 'binance-ws: unparseable message'],
      ]);
    }
  });

  it('one file after another (--order file), the pair sees the second venue too late: no frames', async () => {
    const out = join(dir, 'out-d');
    const s = await replayFiles({
      files,
      format: 'binance-ws',
      out,
      order: 'file',
      detectors: [dislocationSlot],
    });
    expect(s.crossFrames).toBeLessThan(5);
    expect(s.crossLateMids).toBeGreaterThan(1_000);
    expect(s.alerts).toBe(0);
  });
});
