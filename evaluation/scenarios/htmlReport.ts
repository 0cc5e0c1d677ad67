import type { PolicyConfig } from '../../schemas/config.ts';
import type { GroundTruth } from '../../simulator/scenario.ts';
import type { ScenarioOutcome } from './detection.ts';
import type { SuiteArtifacts } from './evaluateSuite.ts';
import type { KeyTrace } from './runSimulation.ts';
import { lineChart, PALETTE, type Marker } from './svgChart.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ms = (v: number | null) => (v === null ? '–' : v < 10_000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

/**
 * The features of a trace that moved most in the scenario's window: the largest deviation from
 * their values before it, in units of their spread before it.
 */
export function featuresThatMoved(trace: KeyTrace, start: number, end: number, n = 4): number[] {
  const moved: [number, number][] = [];
  trace.names.forEach((_, i) => {
    const before: number[] = [];
    let peak = 0;
    for (const p of trace.points) if (p.t < start && Number.isFinite(p.values[i]!)) before.push(p.values[i]!);
    if (before.length < 10) return;
    const mean = before.reduce((a, b) => a + b, 0) / before.length;
    const sd = Math.sqrt(before.reduce((a, b) => a + (b - mean) ** 2, 0) / before.length);
    const scale = sd > 1e-12 ? sd : Math.abs(mean) * 0.01 + 1e-12;
    for (const p of trace.points)
      if (p.t >= start && p.t <= end && Number.isFinite(p.values[i]!))
        peak = Math.max(peak, Math.abs(p.values[i]! - mean) / scale);
    if (peak > 0) moved.push([i, peak]);
  });
  return moved
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([i]) => i);
}

function scenarioFigure(
  o: ScenarioOutcome,
  truth: GroundTruth,
  traces: readonly KeyTrace[],
  policy: PolicyConfig,
): string {
  const trace = traces.find((t) => t.key === (o.detectedBy?.key ?? truth.keys[0])) ?? traces[0];
  if (!trace || trace.points.length === 0)
    return "<p><em>No frames on the scenario's keys in the window (nothing to chart).</em></p>";
  const s = (t: number) => (t - truth.start) / 1000;
  const x0 = s(trace.points[0]!.t);
  const x1 = s(trace.points.at(-1)!.t);
  const band = [0, s(truth.end)] as const;
  const markers: Marker[] = o.commands
    .filter((c) => c.scope === trace.key)
    .map((c) => ({
      x: c.afterStartMs / 1000,
      label: c.action,
      color: c.action === 'HALT' ? '#b00' : c.action === 'RESUME' ? '#080' : '#c60',
    }));
  if (o.detectedBy)
    markers.unshift({ x: (o.detectedBy.eventTime - truth.start) / 1000, label: 'detected', color: '#000' });
  const width = 860;
  const price = lineChart({
    width,
    height: 170,
    title: `${trace.key}: ${trace.key.startsWith('pair:') ? 'basis (bps)' : 'mid price'}`,
    series: [{ name: 'mid', color: PALETTE[0]!, points: trace.points.map((p) => [s(p.t), p.mid]) }],
    xDomain: [x0, x1],
    band,
    markers,
  });
  const moved = featuresThatMoved(trace, truth.start, truth.end);
  const features = lineChart({
    width,
    height: 170,
    title: 'features that moved (each scaled to its range in the chart)',
    series: moved.map((i, k) => {
      const vs = trace.points.map((p) => p.values[i]!).filter(Number.isFinite);
      const lo = Math.min(...vs);
      const hi = Math.max(...vs);
      return {
        name: trace.names[i]!,
        color: PALETTE[(k + 1) % PALETTE.length]!,
        points: trace.points.map((p) => [s(p.t), hi > lo ? (p.values[i]! - lo) / (hi - lo) : 0.5] as const),
      };
    }),
    xDomain: [x0, x1],
    yDomain: [0, 1],
    band,
    markers,
  });
  const scores = lineChart({
    width,
    height: 170,
    title: 'calibrated detector scores',
    series: trace.detectors.map((d, k) => ({
      name: d,
      color: PALETTE[(k + 3) % PALETTE.length]!,
      points: trace.points.map((p) => [s(p.t), p.scores[k]!] as const),
    })),
    xDomain: [x0, x1],
    yDomain: [0, 1],
    xLabel: 'seconds from the scenario start (shaded: ground-truth window)',
    band,
    markers,
    hlines: [
      { y: policy.alertAt, label: `alert ${policy.alertAt}`, color: '#c60' },
      { y: policy.haltAt, label: `halt ${policy.haltAt}`, color: '#b00' },
    ],
  });
  return `<div class="fig">${price}${features}${scores}</div>`;
}

/** The evaluation as one self-contained HTML page: the table, then per scenario its charts and commands. */
export function htmlReport(a: SuiteArtifacts, policy: PolicyConfig): string {
  const r = a.result;
  const rows = r.scenarios
    .map(
      (o) =>
        `<tr class="${o.detected ? 'ok' : 'miss'}"><td><a href="#${o.name}">${esc(o.name)}</a></td><td>${o.detected ? 'yes' : 'no'}</td>` +
        `<td>${ms(o.detectionDelayMs)}</td><td>${esc(o.detectedBy ? `${o.detectedBy.what} by ${o.detectedBy.detector ?? '?'}` : '')}</td>` +
        `<td>${esc(o.commands.map((c) => c.action).join(', '))}</td><td>${o.offTargetAlerts}</td><td>${o.offTargetHalts}</td></tr>`,
    )
    .join('\n');
  const sections = r.scenarios
    .map((o) => {
      const t = a.traces.get(o.name);
      const cmds = o.commands.length
        ? `<table><tr><th>+s</th><th>action</th><th>scope</th><th>detector</th><th>score</th></tr>${o.commands
            .map(
              (c) =>
                `<tr><td>${(c.afterStartMs / 1000).toFixed(2)}</td><td>${c.action}</td><td>${esc(c.scope)}</td><td>${esc(c.detector ?? '')}</td><td>${c.score?.toFixed(3) ?? ''}</td></tr>`,
            )
            .join('')}</table>`
        : "<p>No command on the scenario's keys.</p>";
      return `<section id="${o.name}"><h2>${esc(o.name)} — ${o.detected ? `detected after ${ms(o.detectionDelayMs)}` : 'not detected'}</h2>
<p>${esc(o.description)}. Keys: ${o.keys.map((k) => `<code>${esc(k)}</code>`).join(' ')}; window ${new Date(o.start).toISOString()} + ${((o.end - o.start) / 1000).toFixed(0)} s.</p>
${t ? scenarioFigure(o, t.truth, t.traces, policy) : ''}${cmds}</section>`;
    })
    .join('\n');
  const n = r.normalFlow;
  return `<!doctype html><html><head><meta charset="utf-8"><title>flowguard evaluation, seed ${r.seed}</title>
<style>body{font-family:sans-serif;max-width:900px;margin:1em auto;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px}tr.miss td{background:#fde8e8}tr.ok td:nth-child(2){color:#060}.fig svg{display:block;margin:4px 0}code{font-size:12px}</style></head><body>
<h1>flowguard evaluate — seed ${r.seed}</h1>
<p>${r.summary.detected} of ${r.summary.scenarios} scenarios detected; median detection delay ${ms(r.summary.medianDetectionDelayMs)} of event time.
Normal flow (${n.hours} h after ${n.warmupMs / 60_000} min warm-up): ${n.falseAlertsPerHour} false alerts/h, ${n.falseHaltsPerHour} false halts/h.
${r.summary.events} events, ${r.summary.simulatedHours} simulated hours.</p>
<table><tr><th>scenario</th><th>detected</th><th>delay</th><th>first</th><th>commands on its keys</th><th>off-key alerts</th><th>off-key halts</th></tr>${rows}</table>
${sections}</body></html>`;
}
