import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayFiles } from '../pipelines/replay.ts';

/** One market folder's replay figures. */
export interface ReplayFigure {
  market: string;
  files: number;
  messages: number;
  elapsedMs: number;
  messagesPerSec: number;
  deadLetters: number;
  alerts: number;
  commands: number;
}

/**
 * Replays every Binance capture (spot, usdm, cm folders under `binanceDir`) through the full
 * pipeline at full speed, one folder per run, and reports messages/s and the process's peak RSS.
 */
export async function benchReplay(binanceDir: string): Promise<{
  markets: ReplayFigure[];
  total: { messages: number; messagesPerSec: number };
  peakRssBytes: number;
}> {
  const markets: ReplayFigure[] = [];
  const out = mkdtempSync(join(tmpdir(), 'flowguard-bench-'));
  try {
    for (const market of ['spot', 'usdm', 'cm']) {
      const dir = join(binanceDir, market);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.gz'))
        .sort()
        .map((f) => join(dir, f));
      const s = await replayFiles({ files, format: 'binance-ws', out: join(out, market) });
      markets.push({
        market,
        files: files.length,
        messages: s.messages,
        elapsedMs: Math.round(s.elapsedMs),
        messagesPerSec: Math.round(s.messagesPerSec),
        deadLetters: s.deadLetters,
        alerts: s.alerts,
        commands: s.commands,
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const messages = markets.reduce((a, m) => a + m.messages, 0);
  const ms = markets.reduce((a, m) => a + m.elapsedMs, 0);
  return {
    markets,
    total: { messages, messagesPerSec: Math.round((messages / ms) * 1000) },
    // maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
