import { z } from 'zod';
import { RestrictiveAction, ScopeLevel } from './command.ts';
import { AddressCategory } from './onchain.ts';
import { InfluxConfig } from './influxConfig.ts';
import { KafkaConfig } from './kafkaConfig.ts';

const ms = (d: number) => z.number().int().nonnegative().default(d);
const unit = (d: number) => z.number().min(0).max(1).default(d);

/** One escalation rule: `atLeast` children at `from` level restricted to `minAction` or worse restrict their parent. */
export const EscalationRule = z.object({
  from: ScopeLevel,
  to: ScopeLevel,
  atLeast: z.number().int().min(1),
  /** A child counts once its restriction is at least this strict. */
  minAction: RestrictiveAction.default('HALT'),
  /** What the parent gets. */
  action: RestrictiveAction.default('HALT'),
});
export type EscalationRule = z.infer<typeof EscalationRule>;

/** Parent scope levels each level can escalate to (a venue-symbol belongs to a venue and a symbol). */
export const ESCALATION_PATHS: Readonly<Record<string, readonly string[]>> = {
  'venue-symbol': ['venue', 'symbol'],
  venue: ['global'],
  symbol: ['global'],
  account: ['global'],
  address: ['global'],
};

/** The engine's side of the protocol: dead-man switch and, for engines without Kafka, the webhook. */
export const EngineLinkConfig = z
  .object({
    /** How often the pipeline sends a HEARTBEAT on the command channel. */
    heartbeatIntervalMs: z.number().int().min(10).default(1_000),
    /** The engine enters safe mode when no heartbeat came for this long. */
    deadManMs: z.number().int().min(10).default(5_000),
    /** What safe mode restricts globally; only an explicit global RESUME leaves it. */
    safeMode: z.enum(['REDUCE_ONLY', 'HALT']).default('REDUCE_ONLY'),
    /** HTTP webhook delivery (engine/webhookClient.ts); unset means no webhook. */
    webhookUrl: z.url().optional(),
    /** Environment variable holding the HMAC-SHA256 key shared with the engine (never in the file). */
    webhookSecretEnv: z.string().min(1).default('FLOWGUARD_WEBHOOK_SECRET'),
    webhookTimeoutMs: z.number().int().min(1).default(2_000),
    /** Retries of a failed POST (same commandId, so the engine applies it once). */
    webhookRetries: z.number().int().min(0).max(20).default(3),
    /** Commands waiting for the webhook before the oldest are dropped (and counted). */
    webhookMaxQueue: z.number().int().min(1).default(10_000),
    /** A signed request older or newer than this is refused (replay protection). */
    webhookMaxSkewMs: z.number().int().min(1).default(30_000),
  })
  .refine((e) => e.heartbeatIntervalMs < e.deadManMs, {
    message:
      'heartbeatIntervalMs must be lower than deadManMs. It is recommended to set heartbeatIntervalMs to about a third of deadManMs, so one lost heartbeat does not trip the switch',
    path: ['heartbeatIntervalMs'],
  });
export type EngineLinkConfig = z.infer<typeof EngineLinkConfig>;

/**
 * Graded de-risking on a detector's support-break estimate (the LSTM's; schemas/score.ts
 * SupportBreak): REDUCE_ONLY cutting `reduceFraction` of the exposure once the probability of a
 * break within the horizon reaches `probabilityAt`, then `breakFraction` more once the level breaks.
 */
export const SupportBreakPolicy = z
  .object({
    /** Off: estimates are still shown in the evidence, but never restrict a scope. */
    enabled: z.boolean().default(true),
    /** Probability of a break within the horizon at or above which the first step is taken. */
    probabilityAt: unit(0.8),
    /** Hysteresis: the scope counts as calm only while the probability stays below this and the price is above the support. */
    exitBelow: unit(0.25),
    /**
     * Calm this long before the de-risking ends: a price that just broke its support often tests it
     * again from above for minutes, and a short cooldown resumes and cuts again at each test.
     */
    cooldownMs: ms(900_000),
    /** Share of exposure the first step cuts (command magnitude). */
    reduceFraction: unit(0.5),
    /** Further share cut once the level breaks; the command's magnitude is the total, reduceFraction + breakFraction. */
    breakFraction: unit(0.3),
  })
  .refine((b) => b.exitBelow < b.probabilityAt, {
    message: 'exitBelow must be below probabilityAt, or a scope could never calm down (hysteresis)',
    path: ['exitBelow'],
  })
  .refine((b) => b.reduceFraction + b.breakFraction <= 1 + 1e-12, {
    message:
      'reduceFraction + breakFraction is the share cut in all once the level breaks and must be at most 1',
    path: ['breakFraction'],
  });
export type SupportBreakPolicy = z.infer<typeof SupportBreakPolicy>;

/** Circuit-breaker parameters: graded thresholds on the calibrated score, with hysteresis and timers. */
export const PolicyConfig = z
  .object({
    /** Calibrated score at or above which an alert is raised. */
    alertAt: unit(0.9),
    /** Enter thresholds of the graded actions. */
    throttleAt: unit(0.95),
    reduceOnlyAt: unit(0.98),
    haltAt: unit(0.99),
    /** Exit threshold (hysteresis): a scope counts as calm only while the score stays below this. */
    exitBelow: unit(0.8),
    /** The score must stay at or above an enter threshold this long before the action is taken (0: at once). */
    throttleAfterMs: ms(0),
    reduceOnlyAfterMs: ms(0),
    haltAfterMs: ms(0),
    /** A halt lasts at least this long in event time, whatever the scores do (a manual resume excepted). */
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
    /** Graded de-risking on the support-break estimate (the LSTM's, when it runs). */
    supportBreak: SupportBreakPolicy.prefault({}),
    /** Scopes restricted together escalate to their parent (venue-symbols to the venue, venues to global). */
    escalation: z
      .array(EscalationRule)
      .max(20)
      .default([
        { from: 'venue-symbol', to: 'venue', atLeast: 2, minAction: 'HALT', action: 'HALT' },
        { from: 'venue-symbol', to: 'symbol', atLeast: 2, minAction: 'HALT', action: 'HALT' },
        { from: 'venue', to: 'global', atLeast: 2, minAction: 'HALT', action: 'HALT' },
      ]),
    /** Address labels of these categories freeze the address (HALT on its scope) until a manual resume. */
    freezeCategories: z.array(AddressCategory).default(['sanctioned', 'exploit', 'phishing']),
    /** Rule detectors whose hit (score >= haltAt) on an address freezes it the same way. */
    freezeRules: z.array(z.string().min(1)).default([]),
    /** After a manual resume, automatic escalation of the scope waits this long (the person's call wins). */
    manualResumeGraceMs: ms(60_000),
    /** Scan period of the stale-feed check, and how long a key or venue may stay silent before it is flagged. */
    staleScanMs: z.number().int().min(1).default(250),
    staleAfterMs: z.number().int().min(1).default(15_000),
    /** A whole venue silent this long while another venue still publishes is flagged (an outage of its feed). */
    venueStaleAfterMs: z.number().int().min(1).default(3_000),
    /** Dead-man switch and webhook transport. */
    engine: EngineLinkConfig.prefault({}),
  })
  .refine((p) => p.alertAt <= p.throttleAt && p.throttleAt <= p.reduceOnlyAt && p.reduceOnlyAt <= p.haltAt, {
    message: 'thresholds must rise: alertAt <= throttleAt <= reduceOnlyAt <= haltAt',
  })
  .refine((p) => p.exitBelow < p.alertAt, {
    message: 'exitBelow must be below alertAt, or a scope could never calm down (hysteresis)',
    path: ['exitBelow'],
  })
  .refine((p) => p.escalation.every((r) => ESCALATION_PATHS[r.from]?.includes(r.to)), {
    message: `escalation rules must go from a scope level to one of its parents: ${Object.entries(
      ESCALATION_PATHS,
    )
      .map(([from, to]) => `${from} -> ${to.join('|')}`)
      .join(', ')}`,
    path: ['escalation'],
  });
export type PolicyConfig = z.infer<typeof PolicyConfig>;

/**
 * Which detectors every runtime runs (the demo, `run`, `replay`, `evaluate`, `pumps`, `bench`):
 * the pump rule always, the explicit rules of detectors/rules/ beside it, or the ensemble in its
 * place. `detectors/detectorSet.ts` turns it into slots and the features they read.
 */
export const DetectorsConfig = z.strictObject(
  {
    /**
     * The explicit rules (price shock, spoofing, layering, wash trading, venue premium, ...) and the
     * features they read. Off by default: on the real pump files they add 0.30 false alerts a day
     * (price shock), and cost up to a third of the throughput (docs/detectors.md).
     */
    rules: z
      .boolean({ error: 'detectors.rules must be true or false (the explicit rules of detectors/rules/)' })
      .default(false),
    /** The pump rule, isolation forest and LSTM ensemble instead of the pump rule alone. */
    ensemble: z
      .boolean({
        error: 'detectors.ensemble must be true or false (the pump rule, forest and LSTM ensemble)',
      })
      .default(false),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')}: detectors has only 'rules' and 'ensemble' (true or false)`
        : 'detectors must be an object such as {"rules": true, "ensemble": false}',
  },
);
export type DetectorsConfig = z.infer<typeof DetectorsConfig>;

/**
 * Where the address risk lists (sanctions, phishing, exploits, mixers, exchange labels) come from,
 * for the address features of every runtime. No `dir`: no lists, and the address features are
 * computed without labels (except those of label events).
 */
export const AmlConfig = z.strictObject(
  {
    /**
     * Folder laid out as ../shared/aml (ofac/sanctioned_addresses_<CHAIN>.txt, forta/*.csv,
     * etherscan/combinedAllLabels.json); every file must be readable at start.
     */
    dir: z
      .string({ error: 'aml.dir must be a path to the folder of risk lists, e.g. "../shared/aml"' })
      .min(1, { error: 'aml.dir must not be empty: leave it out for no lists' })
      .optional(),
    /** How often `flowguard run` checks the files' modification times and reloads them (0: load at start only). */
    refreshMs: z
      .number({ error: 'aml.refreshMs must be a number of milliseconds (0: load the lists at start only)' })
      .int({ error: 'aml.refreshMs must be a whole number of milliseconds' })
      .min(0, { error: 'aml.refreshMs must be 0 (load at start only) or a positive interval in ms' })
      .default(60_000),
    /**
     * Addresses the transfer graph of one pipeline (one partition task in `run`) keeps, the least
     * recently active evicted beyond it: it bounds the memory and the checkpoint of that state.
     */
    graphMaxNodes: z
      .number({ error: 'aml.graphMaxNodes must be a number of addresses' })
      .int({ error: 'aml.graphMaxNodes must be a whole number of addresses' })
      .min(2, { error: 'aml.graphMaxNodes must be at least 2' })
      .default(200_000),
  },
  {
    error: (i) =>
      i.code === 'unrecognized_keys'
        ? `unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')}: aml has only 'dir', 'refreshMs' and 'graphMaxNodes'`
        : 'aml must be an object such as {"dir": "../shared/aml", "refreshMs": 60000}',
  },
);
export type AmlConfig = z.infer<typeof AmlConfig>;

/** The whole configuration: one file plus FLOWGUARD_* environment variables, parsed once at start. */
export const Config = z.object({
  detectors: DetectorsConfig.prefault({}),
  aml: AmlConfig.prefault({}),
  policy: PolicyConfig.default(PolicyConfig.parse({})),
  kafka: KafkaConfig.prefault({}),
  influxdb: InfluxConfig.prefault({}),
});
export type Config = z.infer<typeof Config>;
