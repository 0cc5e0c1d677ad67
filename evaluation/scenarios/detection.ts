import type { Alert } from '../../schemas/alert.ts';
import type { Command } from '../../schemas/command.ts';
import type { GroundTruth } from '../../simulator/scenario.ts';

/** A command as the evaluation reports it. */
export interface IssuedCommand {
  readonly action: string;
  readonly scope: string;
  readonly eventTime: number;
  /** Milliseconds after the scenario's start. */
  readonly afterStartMs: number;
  readonly detector: string | null;
  readonly score: number | null;
}

/** The first alert or command that detected a scenario. */
export interface Detection {
  readonly kind: 'alert' | 'command';
  readonly key: string;
  readonly detector: string | null;
  readonly eventTime: number;
  readonly what: string;
}

export interface ScenarioOutcome {
  readonly name: string;
  readonly description: string;
  readonly keys: readonly string[];
  readonly start: number;
  readonly end: number;
  /** An alert or a command on one of the scenario's keys with event time in [start, end]. */
  readonly detected: boolean;
  /** Event time of the first such alert or command minus the scenario's start. */
  readonly detectionDelayMs: number | null;
  readonly detectedBy: Detection | null;
  /** Commands on the scenario's keys in its window, in order. */
  readonly commands: readonly IssuedCommand[];
  readonly alerts: number;
  /**
   * Alerts and halts on other keys during the window (collateral or false); a halt escalated from
   * the scenario's own restrictions is not counted.
   */
  readonly offTargetAlerts: number;
  readonly offTargetHalts: number;
}

const keyOfAlert = (a: Alert): string => a.key;
/**
 * A command is on a scenario's key when its scope is, or when the asset pair whose frame drove it
 * is (a pair restricts its legs: the scope is a leg, evidence.pair names the pair).
 */
const commandOn = (keys: ReadonlySet<string>, c: Command): boolean =>
  keys.has(c.scope.key) || (c.evidence?.pair !== undefined && keys.has(c.evidence.pair.key));
const isHeartbeat = (c: Command): boolean => c.action === 'HEARTBEAT' || c.scope.key.startsWith('heartbeat:');

/** Scores one scenario's run against its ground truth. */
export function scoreScenario(
  truth: GroundTruth,
  alerts: readonly Alert[],
  commands: readonly Command[],
): ScenarioOutcome {
  const keys = new Set(truth.keys);
  const inWindow = (t: number) => t >= truth.start && t <= truth.end;
  const hitAlerts = alerts.filter((a) => keys.has(keyOfAlert(a)) && inWindow(a.eventTime));
  const hitCommands = commands.filter((c) => !isHeartbeat(c) && commandOn(keys, c) && inWindow(c.eventTime));
  // An escalation of the scenario's own restrictions (two legs of its pairs halt their symbol) is
  // part of the response to it, not a halt elsewhere.
  const restricted = new Set(hitCommands.filter((c) => c.action !== 'RESUME').map((c) => c.scope.key));
  const escalatedFrom = (c: Command): boolean =>
    (c.evidence?.children?.length ?? 0) > 0 &&
    c.evidence!.children!.every((ch) => keys.has(ch.scopeKey) || restricted.has(ch.scopeKey));
  const candidates: Detection[] = [
    ...hitAlerts.map((a) => ({
      kind: 'alert' as const,
      key: a.key,
      detector: a.detector,
      eventTime: a.eventTime,
      what: `${a.severity} alert`,
    })),
    ...hitCommands.map((c) => ({
      kind: 'command' as const,
      key: c.scope.key,
      detector: c.evidence?.detector ?? null,
      eventTime: c.eventTime,
      what: c.action,
    })),
  ].sort((a, b) => a.eventTime - b.eventTime || (a.kind < b.kind ? -1 : 1));
  const first = candidates[0] ?? null;
  return {
    name: truth.scenario,
    description: truth.description,
    keys: truth.keys,
    start: truth.start,
    end: truth.end,
    detected: first !== null,
    detectionDelayMs: first ? first.eventTime - truth.start : null,
    detectedBy: first,
    commands: hitCommands.map((c) => ({
      action: c.action,
      scope: c.scope.key,
      eventTime: c.eventTime,
      afterStartMs: c.eventTime - truth.start,
      detector: c.evidence?.detector ?? null,
      score: c.evidence?.score ?? null,
    })),
    alerts: hitAlerts.length,
    offTargetAlerts: alerts.filter((a) => !keys.has(keyOfAlert(a)) && inWindow(a.eventTime)).length,
    offTargetHalts: commands.filter(
      (c) => c.action === 'HALT' && !commandOn(keys, c) && !escalatedFrom(c) && inWindow(c.eventTime),
    ).length,
  };
}

/** False alarms in normal flow: everything raised after the warm-up, per simulated hour. */
export interface NormalFlowOutcome {
  readonly hours: number;
  readonly warmupMs: number;
  readonly falseAlertsPerHour: number;
  readonly falseHaltsPerHour: number;
  readonly falseCommandsPerHour: number;
  readonly alertsByDetector: Record<string, number>;
  readonly alertsByKeyKind: Record<string, number>;
  readonly halts: readonly { scope: string; eventTime: number; detector: string | null }[];
}

export function scoreNormalFlow(
  start: number,
  durationMs: number,
  warmupMs: number,
  alerts: readonly Alert[],
  commands: readonly Command[],
): NormalFlowOutcome {
  const from = start + warmupMs;
  const hours = (durationMs - warmupMs) / 3_600_000;
  const as = alerts.filter((a) => a.eventTime >= from);
  const cs = commands.filter((c) => c.eventTime >= from && !isHeartbeat(c) && c.action !== 'RESUME');
  const halts = cs.filter((c) => c.action === 'HALT');
  const count = (xs: string[]) =>
    xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    hours: round(hours),
    warmupMs,
    falseAlertsPerHour: round(as.length / hours),
    falseHaltsPerHour: round(halts.length / hours),
    falseCommandsPerHour: round(cs.length / hours),
    alertsByDetector: count(as.map((a) => a.detector)),
    alertsByKeyKind: count(as.map((a) => a.keyKind)),
    halts: halts.map((c) => ({
      scope: c.scope.key,
      eventTime: c.eventTime,
      detector: c.evidence?.detector ?? null,
    })),
  };
}
