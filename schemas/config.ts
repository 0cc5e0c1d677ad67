import { z } from 'zod';
import { InfluxConfig } from './influxConfig.ts';
import { KafkaConfig } from './kafkaConfig.ts';

const ms = (d: number) => z.number().int().nonnegative().default(d);
const unit = (d: number) => z.number().min(0).max(1).default(d);

/** Circuit-breaker parameters: graded thresholds on the calibrated score, with hysteresis and timers. */
export const PolicyConfig = z
  .object({
    /** Calibrated score at or above which an alert is raised. */
    alertAt: unit(0.9),
    throttleAt: unit(0.95),
    reduceOnlyAt: unit(0.98),
    haltAt: unit(0.99),
    /** Hysteresis: a scope counts as calm only while the score stays below this. */
    exitBelow: unit(0.8),
    /** A halt lasts at least this long in event time, whatever the scores do. */
    minHaltMs: ms(30_000),
    /** The score must stay below exitBelow this long before RESUME. */
    cooldownMs: ms(15_000),
    /** Commands not applied within this time after issue may be dropped by the engine. */
    commandTtlMs: ms(60_000),
    /** At most one alert per scope and detector in this interval, unless severity rises. */
    alertIntervalMs: ms(10_000),
    /** Order rate allowed under THROTTLE, as a fraction of normal. */
    throttleFactor: unit(0.5),
    /** Share of open exposure to cut under REDUCE_ONLY. */
    reduceFraction: unit(0.5),
  })
  .refine((p) => p.alertAt <= p.throttleAt && p.throttleAt <= p.reduceOnlyAt && p.reduceOnlyAt <= p.haltAt, {
    message: 'thresholds must rise: alertAt <= throttleAt <= reduceOnlyAt <= haltAt',
  })
  .refine((p) => p.exitBelow < p.alertAt, {
    message: 'exitBelow must be below alertAt, or a scope could never calm down (hysteresis)',
    path: ['exitBelow'],
  });
export type PolicyConfig = z.infer<typeof PolicyConfig>;

/** The whole configuration: one file plus FLOWGUARD_* environment variables, parsed once at start. */
export const Config = z.object({
  policy: PolicyConfig.default(PolicyConfig.parse({})),
  kafka: KafkaConfig.prefault({}),
  influxdb: InfluxConfig.prefault({}),
});
export type Config = z.infer<typeof Config>;
