/**
 * Calibration of rule scores given in threshold units (1 = the rule's alert level, 2 = its halt
 * level): 1 - 0.1 * 10^(1 - raw), so 1 maps to 0.9 (alertAt), 1.5 to 0.968 and 2 to 0.99
 * (haltAt), continuously from 0. A rule states its two levels in its own unit; this makes them
 * mean the same as every other detector's calibrated score.
 */
export function thresholdUnits(raw: number): number {
  if (!(raw > 0)) return 0;
  return Math.max(0, Math.min(1, 1 - 0.1 * Math.pow(10, 1 - raw)));
}

/** Raw score in threshold units of a value against its alert level (halt at twice as far). */
export function units(value: number, alertAt: number): number {
  return Number.isFinite(value) ? value / alertAt : 0;
}
