import { describe, expect, it } from 'vitest';
import { detectorFeatures, detectorSlots } from '../../../../detectors/detectorSet.ts';
import { marketFeatures } from '../../../../features/index.ts';
import { snapshotOf } from '../../../../pipelines/state/changelog.ts';
import type { PartitionTask } from '../../../../pipelines/state/partitionTask.ts';
import { Config } from '../../../../schemas/config.ts';
import { washTrading } from '../../../../simulator/scenarios/washTrading.ts';
import { simulate } from '../../../../simulator/simulate.ts';
import { checkpointAtCuts, collectingTask, feedLines } from '../../../support/partitionTaskHarness.ts';

// Three venues (venue_premium needs two others), 5 min for its warm-up, then a wash trade only a rule catches.
const events = [
  ...simulate({ seed: 1, durationMs: 400_000, scenarios: [{ scenario: washTrading, startMs: 330_000 }] }),
];
const lines = events.map((e) => JSON.stringify(e));
const RULES = Config.parse({ detectors: { rules: true } }).detectors;

/** A task running the rules as `flowguard run` builds it (fresh features per task), its outputs collected. */
function task(partition = 0, snapshot?: ReturnType<typeof snapshotOf>) {
  const r = collectingTask(
    {
      features: detectorFeatures(marketFeatures, RULES),
      taskFeatures: () => detectorFeatures(marketFeatures, RULES),
      detectors: detectorSlots(RULES),
      policy: Config.parse({}).policy,
    },
    { partition, snapshot },
  );
  return {
    ...r,
    get values() {
      return r.decisions.map((d) => Array.from(d.scored.frame.values).join(','));
    },
    /** venue_premium of every venue-symbol frame (NaN while it has no value). */
    get premiums() {
      const out: number[] = [];
      for (const d of r.decisions) {
        const f = d.scored.frame;
        const i = f.names.indexOf('venue_premium');
        if (i >= 0) out.push(f.values[i]!);
      }
      return out;
    },
  };
}

const feed = (t: PartitionTask, from: number, to: number, keep?: (i: number) => boolean) =>
  feedLines(t, lines, from, to, keep);

describe('partition task - the explicit rules, checkpointed and restored', () => {
  it('a task restored from its changelog with the rules on decides what the uninterrupted task decides', () => {
    const whole = task();
    feed(whole.t, 0, lines.length);
    expect(whole.alerts.some((a) => a.detector === 'wash-trade-rule')).toBe(true);
    // The board of venues' prices was in use: venue_premium had values.
    expect(whole.premiums.some((p) => Number.isFinite(p))).toBe(true);

    const first = task();
    // Cut after venue_premium's warm-up, so the board's state matters to what follows.
    const cuts = [Math.floor(lines.length * 0.5), Math.floor(lines.length * 0.8)];
    const restored = task(0, snapshotOf(0, checkpointAtCuts(first.t, lines, cuts)));
    feed(restored.t, cuts[1]!, lines.length);
    expect([...first.commands, ...restored.commands].map((c) => c.commandId)).toEqual(
      whole.commands.map((c) => c.commandId),
    );
    expect([...first.alerts, ...restored.alerts].map((a) => a.alertId)).toEqual(
      whole.alerts.map((a) => a.alertId),
    );
    expect([...first.values, ...restored.values]).toEqual(whole.values);
  }, 120_000);

  it('venue_premium sees only its partition: a venue-symbol whose peers run in another partition reads NaN and its rule stays silent', () => {
    const venueOf = (i: number) => {
      const e = events[i]!;
      return 'venue' in e ? e.venue : undefined;
    };
    // venue-a alone in partition 0; venue-b and venue-c in partition 1 (each has one peer there, two are needed).
    const a = task(0);
    const bc = task(1);
    feed(a.t, 0, lines.length, (i) => venueOf(i) === 'venue-a');
    feed(bc.t, 0, lines.length, (i) => venueOf(i) !== 'venue-a');
    expect(a.premiums.length).toBeGreaterThan(1000);
    expect(bc.premiums.length).toBeGreaterThan(1000);
    expect(a.premiums.every((p) => Number.isNaN(p))).toBe(true);
    expect(bc.premiums.every((p) => Number.isNaN(p))).toBe(true);
    for (const t of [a, bc]) expect(t.alerts.filter((x) => x.detector === 'venue-premium-rule')).toEqual([]);
  }, 120_000);
});
