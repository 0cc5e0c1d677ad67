// A two-axis time chart on a canvas: price as a line (left axis), anomaly score as dots (right
// axis, 0..1) with the policy's thresholds dashed. No library: this is all the chart the desk needs.

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const hms = (t) => new Date(t).toISOString().slice(11, 19);

/** Draws `points` ({t, price, score}) on `canvas`; `thresholds` are score levels to mark. */
export function drawChart(canvas, points, thresholds = []) {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight || Number(canvas.getAttribute('height')) || 260;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = '11px system-ui, sans-serif';
  const pad = { left: 64, right: 40, top: 10, bottom: 22 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const dim = css('--dim');
  g.strokeStyle = css('--line');
  g.strokeRect(pad.left, pad.top, w, h);
  const priced = points.filter((p) => p.price !== null);
  if (points.length < 2 || priced.length === 0) {
    g.fillStyle = dim;
    g.fillText('waiting for data…', pad.left + 10, pad.top + 20);
    return;
  }
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of priced) {
    lo = Math.min(lo, p.price);
    hi = Math.max(hi, p.price);
  }
  const span = hi - lo || Math.abs(hi) * 0.001 || 1;
  lo -= span * 0.05;
  hi += span * 0.05;
  const x = (t) => pad.left + ((t - t0) / (t1 - t0 || 1)) * w;
  const yPrice = (v) => pad.top + (1 - (v - lo) / (hi - lo)) * h;
  const yScore = (s) => pad.top + (1 - s) * h;

  // Axes: price left, score right, time below.
  g.fillStyle = dim;
  g.textAlign = 'right';
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    g.fillText(v.toPrecision(6), pad.left - 6, yPrice(v) + 4);
  }
  g.textAlign = 'left';
  for (const s of [0, 0.5, 1]) g.fillText(s.toFixed(1), pad.left + w + 6, yScore(s) + 4);
  g.textAlign = 'center';
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    g.fillText(hms(t), x(t), height - 6);
  }

  g.setLineDash([4, 4]);
  g.strokeStyle = css('--warning');
  for (const thr of thresholds) {
    g.beginPath();
    g.moveTo(pad.left, yScore(thr));
    g.lineTo(pad.left + w, yScore(thr));
    g.stroke();
  }
  g.setLineDash([]);

  g.strokeStyle = css('--accent');
  g.lineWidth = 1.5;
  g.beginPath();
  let started = false;
  for (const p of priced) {
    if (started) g.lineTo(x(p.t), yPrice(p.price));
    else g.moveTo(x(p.t), yPrice(p.price));
    started = true;
  }
  g.stroke();

  g.fillStyle = css('--critical');
  for (const p of points) {
    if (p.score === null) continue;
    g.beginPath();
    g.arc(x(p.t), yScore(p.score), 3.5, 0, Math.PI * 2);
    g.fill();
  }
}
