import { REASON_CODES } from '../../schemas/command.ts';

/** How the pump evaluation counts, in one place so the report states exactly what was measured. */
export const PUMP_RULES = {
  /**
   * An alert on the coin within this long of the announced start, before or after it, detects the
   * pump (the issue's "within 60 s of the announced start"). The start is announced to the minute,
   * and the groups' own buying can begin seconds ahead of it; `recallAfterStart` counts only alerts
   * from the start on, for comparison.
   */
  detectWithinMs: 60_000,
  /** Alerts from this long before the start to `quietAfterMs` after it are neither hits nor false alerts. */
  quietBeforeMs: 10 * 60_000,
  quietAfterMs: 30 * 60_000,
  /** La Morgia et al. 2020 classify fixed chunks of trades; 25 s is their best setting. */
  chunkMs: 25_000,
  /** Positive chunks: those that overlap the first minute after the announced start. */
  pumpChunkSpanMs: 60_000,
  /**
   * False alerts closer than this to the previous one belong to the same false-alarm episode (the
   * policy re-alerts every 10 s and on every rise in severity while one market event lasts).
   */
  falseEpisodeGapMs: 30 * 60_000,
} as const;

export interface EpisodeResult {
  coin: string;
  startIso: string;
  trades: number;
  detected: boolean;
  /** Detected by an alert at or after the announced start (within `detectWithinMs`). */
  detectedAfterStart: boolean;
  /** First alert within `detectWithinMs` of the start, ms after it (negative: before the announced minute). */
  delayMs: number | null;
  alertsInWindow: number;
  falseAlerts: number;
  /** False alerts grouped into episodes: a new one starts more than `falseEpisodeGapMs` after the previous false alert. */
  falseAlarmEpisodes: number;
  /** Days of data outside the quiet window, for false alerts per day. */
  days: number;
  chunks: { tp: number; fp: number; fn: number; tn: number };
  /** The support-break de-risking on the coin, when a detector makes the estimate (the LSTM). */
  supportBreak?: SupportBreakResult;
}

/** Scores one episode's alert times against its announced start. */
export function scoreEpisode(
  coin: string,
  startMs: number,
  firstMs: number,
  lastMs: number,
  alertTimes: readonly number[],
  trades: number,
): EpisodeResult {
  const r = PUMP_RULES;
  const hits = alertTimes.filter((t) => Math.abs(t - startMs) <= r.detectWithinMs);
  const falseTimes = alertTimes
    .filter((t) => t < startMs - r.quietBeforeMs || t > startMs + r.quietAfterMs)
    .sort((a, b) => a - b);
  const falseAlerts = falseTimes.length;
  const falseAlarmEpisodes = falseTimes.filter(
    (t, i) => i === 0 || t - falseTimes[i - 1]! > r.falseEpisodeGapMs,
  ).length;
  const quietSpan = Math.max(
    0,
    Math.min(lastMs, startMs + r.quietAfterMs) - Math.max(firstMs, startMs - r.quietBeforeMs),
  );
  const days = (lastMs - firstMs - quietSpan) / 86_400_000;
  // Chunks aligned on the start, so the pump begins exactly at a chunk boundary.
  const chunkOf = (t: number) => Math.floor((t - startMs) / r.chunkMs);
  const first = chunkOf(firstMs);
  const last = chunkOf(lastMs);
  const positive = (c: number) => c >= 0 && c * r.chunkMs < r.pumpChunkSpanMs;
  const flagged = new Set(alertTimes.map(chunkOf));
  const chunks = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let c = first; c <= last; c++) {
    const p = positive(c);
    const f = flagged.has(c);
    if (p && f) chunks.tp++;
    else if (p) chunks.fn++;
    else if (f) chunks.fp++;
    else chunks.tn++;
  }
  return {
    coin,
    startIso: new Date(startMs).toISOString(),
    trades,
    detected: hits.length > 0,
    detectedAfterStart: hits.some((t) => t >= startMs),
    delayMs: hits.length > 0 ? Math.min(...hits) - startMs : null,
    alertsInWindow: hits.length,
    falseAlerts,
    falseAlarmEpisodes,
    days,
    chunks,
  };
}

/** Event-level recall, delays, false alerts per day and chunk-level precision, recall and F1. */
export function summarise(results: readonly EpisodeResult[]) {
  const detected = results.filter((r) => r.detected);
  const delays = detected.map((r) => r.delayMs!).sort((a, b) => a - b);
  const sum = results.reduce(
    (a, r) => ({
      tp: a.tp + r.chunks.tp,
      fp: a.fp + r.chunks.fp,
      fn: a.fn + r.chunks.fn,
      falseAlerts: a.falseAlerts + r.falseAlerts,
      falseAlarmEpisodes: a.falseAlarmEpisodes + r.falseAlarmEpisodes,
      days: a.days + r.days,
    }),
    { tp: 0, fp: 0, fn: 0, falseAlerts: 0, falseAlarmEpisodes: 0, days: 0 },
  );
  const sb = results.filter((r) => r.supportBreak);
  const sbSum = (f: (r: SupportBreakResult) => number) => sb.reduce((a, r) => a + f(r.supportBreak!), 0);
  const sbDays = sb.reduce((a, r) => a + r.days, 0);
  const perDay = (n: number) => (sbDays > 0 ? n / sbDays : 0);
  const precision = sum.tp + sum.fp > 0 ? sum.tp / (sum.tp + sum.fp) : 0;
  const recall = sum.tp + sum.fn > 0 ? sum.tp / (sum.tp + sum.fn) : 0;
  return {
    episodes: results.length,
    recall: detected.length / Math.max(1, results.length),
    recallAfterStart: results.filter((r) => r.detectedAfterStart).length / Math.max(1, results.length),
    medianDelayMs: delays.length ? delays[Math.floor((delays.length - 1) / 2)]! : null,
    maxDelayMs: delays.length ? delays.at(-1)! : null,
    falseAlertsPerDay: sum.days > 0 ? sum.falseAlerts / sum.days : 0,
    falseAlarmEpisodesPerDay: sum.days > 0 ? sum.falseAlarmEpisodes / sum.days : 0,
    chunk: {
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    },
    ...(sb.length > 0
      ? {
          supportBreak: {
            days: sbDays,
            outside: {
              atRisk: sbSum((x) => x.outside.atRisk),
              broken: sbSum((x) => x.outside.broken),
              resumes: sbSum((x) => x.outside.resumes),
              atRiskPerDay: perDay(sbSum((x) => x.outside.atRisk)),
              brokenPerDay: perDay(sbSum((x) => x.outside.broken)),
            },
            pump: {
              atRisk: sbSum((x) => x.pump.atRisk),
              broken: sbSum((x) => x.pump.broken),
              episodesDerisked: sb.filter(
                (r) => r.supportBreak!.pump.atRisk + r.supportBreak!.pump.broken > 0,
              ).length,
            },
          },
        }
      : {}),
    paper: {
      chunk25s: { precision: 0.937, recall: 0.913, f1: 0.918 },
      source: 'La Morgia et al. 2020, Table III, random forest',
    },
  };
}

/** A circuit-breaker command on the episode's coin: when, what, why. */
export interface CommandMark {
  readonly time: number;
  readonly action: string;
  readonly code: string;
}

/** Counts of the support-break de-risking commands (SUPPORT_AT_RISK, SUPPORT_BROKEN) and of the resumes. */
export interface SupportBreakCounts {
  atRisk: number;
  broken: number;
  resumes: number;
}

export interface SupportBreakResult {
  /** Outside the pump window (before `quietBeforeMs` ahead of the start, after `quietAfterMs` past it): an ordinary market. */
  outside: SupportBreakCounts;
  /** From the announced start to `quietAfterMs` after it: the pump and its dump. */
  pump: SupportBreakCounts;
  /** First SUPPORT_AT_RISK / SUPPORT_BROKEN after the start within the pump window, ms after the start. */
  firstAtRiskMs: number | null;
  firstBrokenMs: number | null;
}

/** Sorts an episode's commands into its ordinary market and its pump, for the support-break de-risking. */
export function scoreSupportBreak(startMs: number, commands: readonly CommandMark[]): SupportBreakResult {
  const r = PUMP_RULES;
  const zero = (): SupportBreakCounts => ({ atRisk: 0, broken: 0, resumes: 0 });
  const out: SupportBreakResult = { outside: zero(), pump: zero(), firstAtRiskMs: null, firstBrokenMs: null };
  for (const c of commands) {
    const inPump = c.time >= startMs && c.time <= startMs + r.quietAfterMs;
    const outside = c.time < startMs - r.quietBeforeMs || c.time > startMs + r.quietAfterMs;
    const counts = inPump ? out.pump : outside ? out.outside : null;
    if (!counts) continue;
    if (c.code === REASON_CODES.SUPPORT_AT_RISK) counts.atRisk++;
    else if (c.code === REASON_CODES.SUPPORT_BROKEN) counts.broken++;
    else if (c.action === 'RESUME') counts.resumes++;
    if (inPump && c.code === REASON_CODES.SUPPORT_AT_RISK) out.firstAtRiskMs ??= c.time - startMs;
    if (inPump && c.code === REASON_CODES.SUPPORT_BROKEN) out.firstBrokenMs ??= c.time - startMs;
  }
  return out;
}
