import { lineChart, PALETTE, type Series } from '../../evaluation/scenarios/svgChart.ts';
import type { InputEvent } from '../../schemas/event.ts';
import { correlation, logReturns, MarketStatsCollector, quantile, type StreamStats } from './marketStats.ts';

/** One row of the realism table. */
export interface RealismRow {
  readonly source: 'real' | 'simulated';
  readonly stream: string;
  readonly tradesPerSec: number;
  readonly sameMsShare: number;
  readonly gapCv: number;
  readonly sizeP90: number;
  readonly sizeP99: number;
  readonly sizeTail: number;
  readonly oneTickShare: number;
  readonly imbalanceSd: number;
  readonly imbalanceAutocorr1s: number;
  readonly cancelVolumeRatio: number;
  readonly cancelOrderRatio: number | null;
  readonly returnKurtosis1s: number;
  readonly vol1sBps: number;
}

export interface RealismComparison {
  readonly rows: readonly RealismRow[];
  /** BTC-ETH correlation of 1 s and 10 s mid returns, per venue. */
  readonly correlations: readonly { source: string; venue: string; r1s: number; r10s: number }[];
  readonly figures: Readonly<Record<string, string>>;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function row(source: RealismRow['source'], s: StreamStats): RealismRow {
  const rets = Array.from(logReturns(s.mid1s)).filter(Number.isFinite);
  const imb = s.imbalance;
  let ss = 0;
  for (const v of imb) ss += v * v;
  return {
    source,
    stream: `${s.venue} ${s.symbol}`,
    tradesPerSec: r3(s.tradesPerSec),
    sameMsShare: r3(s.sameMsShare),
    gapCv: r3(s.gapCv),
    sizeP90: r3(quantile(s.relSizes, 0.9)),
    sizeP99: r3(quantile(s.relSizes, 0.99)),
    sizeTail: r3(s.sizeTailExponent),
    oneTickShare: r3(s.oneTickShare),
    imbalanceSd: r3(Math.sqrt(ss / Math.max(1, imb.length))),
    imbalanceAutocorr1s: r3(s.imbalanceAutocorr1s),
    cancelVolumeRatio: r3(s.cancelVolumeRatio),
    cancelOrderRatio: s.cancelOrderRatio === null ? null : r3(s.cancelOrderRatio),
    returnKurtosis1s: r3(s.returnKurtosis1s),
    vol1sBps: r3(Math.sqrt(rets.reduce((a, b) => a + b * b, 0) / Math.max(1, rets.length)) * 1e4),
  };
}

/** Complementary CDF points of sorted positive values, thinned to about `n` points on a log grid. */
function ccdf(sorted: Float64Array, scale: number, n = 60): [number, number][] {
  const pos = Array.from(sorted)
    .filter((v) => v > 0)
    .map((v) => v / scale);
  if (pos.length === 0) return [];
  const lo = Math.log10(pos[0]!);
  const hi = Math.log10(pos[pos.length - 1]!);
  const out: [number, number][] = [];
  let j = 0;
  for (let k = 0; k <= n; k++) {
    const x = 10 ** (lo + ((hi - lo) * k) / n);
    while (j < pos.length && pos[j]! < x) j++;
    const p = (pos.length - j) / sorted.length;
    if (p > 0) out.push([x, p]);
  }
  return out;
}

function histogram(xs: Float64Array, lo: number, hi: number, bins: number): [number, number][] {
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * bins)));
    counts[i]!++;
  }
  const w = (hi - lo) / bins;
  return counts.map((c, i) => [lo + (i + 0.5) * w, c / Math.max(1, xs.length) / w]);
}

const isSym = (s: StreamStats, base: string) => s.symbol.startsWith(base);

/**
 * Compares the simulator's normal flow with real captures: the same statistics computed the same
 * way on both (MarketStatsCollector), a table and four figures. Only shapes are compared where
 * the simulator's scale differs on purpose (rates, tick sizes): gaps are divided by their mean and
 * trade sizes by their median.
 */
export function compareRealism(
  real: readonly StreamStats[],
  simEvents: Iterable<InputEvent>,
  simVenue = 'venue-a',
): RealismComparison {
  const c = new MarketStatsCollector();
  for (const e of simEvents) c.add(e);
  const simAll = c.results();
  const sim = simAll.filter((s) => s.venue === simVenue);
  const rows = [...real.map((s) => row('real', s)), ...sim.map((s) => row('simulated', s))];
  const correlations: RealismComparison['correlations'][number][] = [];
  const pairs = (source: string, list: readonly StreamStats[]) => {
    for (const venue of new Set(list.map((s) => s.venue))) {
      const btc = list.find((s) => s.venue === venue && isSym(s, 'BTC'));
      const eth = list.find((s) => s.venue === venue && isSym(s, 'ETH'));
      if (btc && eth)
        correlations.push({
          source,
          venue,
          r1s: r3(correlation(logReturns(btc.mid1s), logReturns(eth.mid1s))),
          r10s: r3(correlation(logReturns(btc.mid1s, 10), logReturns(eth.mid1s, 10))),
        });
    }
  };
  pairs('real', real);
  pairs('simulated', simAll);

  const realPick = real.filter((s) => isSym(s, 'BTC') || isSym(s, 'ETH'));
  const simPick = sim.filter((s) => isSym(s, 'BTC') || isSym(s, 'ETH'));
  const series = (f: (s: StreamStats) => [number, number][]): Series[] => [
    ...realPick.map((s, i) => ({
      name: `${s.venue.replace('binance-', '')} ${s.symbol}`,
      color: PALETTE[i % PALETTE.length]!,
      points: f(s),
    })),
    ...simPick.map((s, i) => ({
      name: `sim ${s.symbol}`,
      color: ['#111', '#888'][i % 2]!,
      points: f(s),
      dashed: true,
    })),
  ];
  const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const figures = {
    'sim-trade-gaps.svg': lineChart({
      width: 560,
      height: 330,
      title: 'Trade inter-arrival times: P(gap > x), x in mean gaps (same-ms gaps drop out)',
      series: series((s) => ccdf(s.tradeGapsMs, mean(s.tradeGapsMs))),
      xDomain: [0.01, 100],
      yDomain: [1e-4, 1],
      logX: true,
      logY: true,
      xLabel: 'gap / mean gap',
    }),
    'sim-trade-sizes.svg': lineChart({
      width: 560,
      height: 330,
      title: 'Trade sizes: P(size > x), x in median trade sizes',
      series: series((s) => ccdf(s.relSizes, 1)),
      xDomain: [0.01, 3000],
      yDomain: [1e-4, 1],
      logX: true,
      logY: true,
      xLabel: 'size / median size',
    }),
    'sim-imbalance.svg': lineChart({
      width: 560,
      height: 330,
      title: 'Top-of-book imbalance (bid - ask) / (bid + ask), sampled every 100 ms: density',
      series: series((s) => histogram(s.imbalance, -1, 1, 20)),
      xDomain: [-1, 1],
      xLabel: 'imbalance',
    }),
    'sim-returns.svg': lineChart({
      width: 560,
      height: 330,
      title: '1 s mid returns in standard deviations: P(|r| > x)',
      series: series((s) => {
        const r = Array.from(logReturns(s.mid1s)).filter(Number.isFinite);
        const sd = Math.sqrt(r.reduce((a, b) => a + b * b, 0) / Math.max(1, r.length));
        return ccdf(Float64Array.from(r.map((x) => Math.abs(x))).sort(), sd, 40);
      }),
      xDomain: [0.1, 20],
      yDomain: [1e-4, 1],
      logX: true,
      logY: true,
      xLabel: '|r| / sd',
    }),
  };
  return { rows, correlations, figures };
}

/** The table as Markdown. */
export function realismMarkdown(c: RealismComparison): string {
  const f = (x: number | null, d = 2) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(d));
  const lines = [
    '| source | stream | trades/s | same-ms share | gap CV | size p90/p50 | size p99/p50 | size tail α | 1-tick spread | imbalance sd | imbalance ac 1 s | cancelled/added volume | cancels/new orders | 1 s kurtosis | 1 s vol (bps) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...c.rows.map(
      (r) =>
        `| ${r.source} | ${r.stream} | ${f(r.tradesPerSec, 1)} | ${f(r.sameMsShare)} | ${f(r.gapCv)} | ${f(r.sizeP90, 1)} | ${f(r.sizeP99, 1)} | ${f(r.sizeTail)} | ${f(r.oneTickShare, 3)} | ${f(r.imbalanceSd)} | ${f(r.imbalanceAutocorr1s)} | ${f(r.cancelVolumeRatio)} | ${f(r.cancelOrderRatio)} | ${f(r.returnKurtosis1s, 1)} | ${f(r.vol1sBps)} |`,
    ),
    '',
    '| source | venue | BTC-ETH corr 1 s | BTC-ETH corr 10 s |',
    '| --- | --- | ---: | ---: |',
    ...c.correlations.map((x) => `| ${x.source} | ${x.venue} | ${f(x.r1s)} | ${f(x.r10s)} |`),
  ];
  return lines.join('\n');
}
