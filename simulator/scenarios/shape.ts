/** Linear ramp from `from` to `to` as `x` goes from 0 to `span` (clamped). */
export function ramp(x: number, span: number, from: number, to: number): number {
  const u = span > 0 ? Math.min(1, Math.max(0, x / span)) : 1;
  return from + (to - from) * u;
}

/** A fresh account name for a scenario's actor, drawn like the background's (no telltale names). */
export function actor(u: number): string {
  return `acct-${5000 + Math.floor(u * 4000)}`;
}
