/** One line of a chart: points as [x, y]; NaN y breaks the line. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** A vertical mark on the x axis (a command, an alert). */
export interface Marker {
  readonly x: number;
  readonly label: string;
  readonly color: string;
}

export interface ChartOptions {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly series: readonly Series[];
  readonly xDomain: readonly [number, number];
  /** Fixed y range; default: the data's, padded. */
  readonly yDomain?: readonly [number, number];
  /** Log scale on x (data must be positive). */
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** A shaded x interval (the scenario's ground-truth window). */
  readonly band?: readonly [number, number];
  readonly markers?: readonly Marker[];
  /** Horizontal reference lines (thresholds). */
  readonly hlines?: readonly { y: number; label: string; color: string }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
};

function ticks(lo: number, hi: number, n: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      const v = 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
    return out;
  }
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** A small, dependency-free SVG line chart (docs figures and the evaluation report). */
export function lineChart(o: ChartOptions): string {
  const m = { l: 58, r: 12, t: 22, b: o.xLabel ? 36 : 24 };
  const w = o.width - m.l - m.r;
  const h = o.height - m.t - m.b;
  const tx = (x: number) => (o.logX ? Math.log10(x) : x);
  const ty = (y: number) => (o.logY ? Math.log10(y) : y);
  let [y0, y1] = o.yDomain ?? [Infinity, -Infinity];
  if (!o.yDomain) {
    for (const s of o.series)
      for (const [x, y] of s.points)
        if (Number.isFinite(y) && x >= o.xDomain[0] && x <= o.xDomain[1] && (!o.logY || y > 0)) {
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
    if (!Number.isFinite(y0)) [y0, y1] = [0, 1];
    if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
    if (!o.logY) {
      const pad = (y1 - y0) * 0.05;
      [y0, y1] = [y0 - pad, y1 + pad];
    }
  }
  const [x0, x1] = o.xDomain;
  const sx = (x: number) => m.l + ((tx(x) - tx(x0)) / (tx(x1) - tx(x0) || 1)) * w;
  const sy = (y: number) => m.t + h - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0) || 1)) * h;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}" font-family="sans-serif" font-size="10">`,
    `<rect x="0" y="0" width="${o.width}" height="${o.height}" fill="white"/>`,
    `<text x="${m.l}" y="14" font-size="11" font-weight="bold">${esc(o.title)}</text>`,
  ];
  if (o.band)
    parts.push(
      `<rect x="${sx(Math.max(x0, o.band[0])).toFixed(1)}" y="${m.t}" width="${Math.max(0, sx(Math.min(x1, o.band[1])) - sx(Math.max(x0, o.band[0]))).toFixed(1)}" height="${h}" fill="#f6e7c8"/>`,
    );
  for (const v of ticks(x0, x1, 8, !!o.logX)) {
    parts.push(
      `<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${m.t}" y2="${m.t + h}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${sx(v).toFixed(1)}" y="${m.t + h + 12}" text-anchor="middle" fill="#555">${fmt(v)}</text>`,
    );
  }
  for (const v of ticks(y0, y1, 4, !!o.logY)) {
    parts.push(
      `<line x1="${m.l}" x2="${m.l + w}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${m.l - 4}" y="${(sy(v) + 3).toFixed(1)}" text-anchor="end" fill="#555">${fmt(v)}</text>`,
    );
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  if (o.xLabel)
    parts.push(
      `<text x="${m.l + w / 2}" y="${o.height - 4}" text-anchor="middle" fill="#333">${esc(o.xLabel)}</text>`,
    );
  if (o.yLabel)
    parts.push(
      `<text transform="translate(11,${m.t + h / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(o.yLabel)}</text>`,
    );
  for (const l of o.hlines ?? [])
    if (l.y >= y0 && l.y <= y1)
      parts.push(
        `<line x1="${m.l}" x2="${m.l + w}" y1="${sy(l.y).toFixed(1)}" y2="${sy(l.y).toFixed(1)}" stroke="${l.color}" stroke-dasharray="3,3"/>`,
        `<text x="${m.l + w - 2}" y="${(sy(l.y) - 2).toFixed(1)}" text-anchor="end" fill="${l.color}">${esc(l.label)}</text>`,
      );
  parts.push(
    `<clipPath id="c${o.title.length}${w}${h}"><rect x="${m.l}" y="${m.t}" width="${w}" height="${h}"/></clipPath>`,
  );
  const clip = `clip-path="url(#c${o.title.length}${w}${h})"`;
  for (const s of o.series) {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || (o.logY && y <= 0) || (o.logX && x <= 0)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(Math.min(Math.max(y, y0), y1)).toFixed(1)}`;
      pen = true;
    }
    if (d)
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.3"${s.dashed ? ' stroke-dasharray="4,2"' : ''} ${clip}/>`,
      );
  }
  for (const mk of o.markers ?? []) {
    if (mk.x < x0 || mk.x > x1) continue;
    parts.push(
      `<line x1="${sx(mk.x).toFixed(1)}" x2="${sx(mk.x).toFixed(1)}" y1="${m.t}" y2="${m.t + h}" stroke="${mk.color}" stroke-width="1"/>`,
      `<text x="${(sx(mk.x) + 2).toFixed(1)}" y="${m.t + 9}" fill="${mk.color}">${esc(mk.label)}</text>`,
    );
  }
  // Legend, top right.
  let ly = m.t + 4;
  for (const s of o.series) {
    parts.push(
      `<line x1="${m.l + w - 110}" x2="${m.l + w - 96}" y1="${ly + 4}" y2="${ly + 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4,2"' : ''}/>`,
      `<text x="${m.l + w - 92}" y="${ly + 7}" fill="#333">${esc(s.name.slice(0, 22))}</text>`,
    );
    ly += 11;
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
