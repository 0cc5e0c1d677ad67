import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.ts';
import { tailCalibrator } from '../../../detectors/calibration.ts';
import type { Detector } from '../../../detectors/detector.ts';
import { Ensemble, ensembleSlot, type RestorableSlot } from '../../../detectors/ensemble.ts';
import type { DetectorSlot } from '../../../pipelines/scoreDetectors.ts';

/** Raw score = its one feature; explain puts everything on it; counts what it learned. */
function probe(name: string, feature: string): Detector & { learned: number } {
  return {
    name,
    features: [feature, 'shared'],
    learned: 0,
    score: (x) => x[0]!,
    learn(this: { learned: number }) {
      this.learned++;
    },
    explain: () => Float64Array.of(0.75, 0.25),
    toJSON() {
      return { learned: this.learned };
    },
  };
}

const slot = (name: string, feature: string, o: Partial<DetectorSlot> = {}): DetectorSlot => ({
  name,
  keyKind: 'venue-symbol',
  perKey: true,
  create: () => probe(name, feature),
  calibrate: (raw) => raw,
  explainAbove: 0.5,
  ...o,
});

describe('ensemble - combining calibrated scores', () => {
  it('max: the most alarmed member drives the score and its attribution', () => {
    const s = ensembleSlot({ members: [slot('iforest', 'a'), slot('lstm', 'b'), slot('rule', 'c')] });
    const e = s.create() as Ensemble;
    expect(e.features).toEqual(['a', 'shared', 'b', 'c']);
    const x = Float64Array.of(0.2, 0, 0.97, 0.5);
    expect(e.score(x)).toBe(0.97);
    expect(e.breakdown().driver).toBe('lstm');
    expect(Array.from(e.explain(x))).toEqual([0, 0.25, 0.75, 0]);
    // Scoring does not change any state: same input, same score.
    expect(e.score(x)).toBe(0.97);
  });

  it('noisy-or with weights adds independent evidence (and shows why max is the default)', () => {
    const members = [slot('a', 'a'), slot('b', 'b'), slot('c', 'c')];
    const x = Float64Array.of(0.9, 0, 0.9, 0.9);
    expect(ensembleSlot({ members }).create().score(x)).toBeCloseTo(0.9, 12);
    expect(ensembleSlot({ members, combine: 'noisy-or' }).create().score(x)).toBeCloseTo(0.999, 12);
    const weighted = ensembleSlot({ members, combine: 'noisy-or', weights: [1, 0.5, 0] }).create();
    expect(weighted.score(x)).toBeCloseTo(1 - 0.1 * 0.55, 12);
  });

  it('each member is calibrated by its own per-key calibrator when its slot has one', () => {
    const s = ensembleSlot({
      members: [slot('wide', 'a', { createCalibrator: tailCalibrator({ warmup: 100 }) }), slot('fixed', 'b')],
    });
    const e = s.create();
    for (let i = 0; i < 1_000; i++) {
      const x = Float64Array.of((1000 * ((i * 7919) % 1000)) / 1000, 0, 0);
      e.score(x);
      e.learn(x);
    }
    // 'wide' emits raw 0..1000; calibrated, 500 is its median.
    expect(e.score(Float64Array.of(500, 0, 0.1))).toBeCloseTo(0.5, 1);
  });

  it('per-key members get one detector per ensemble, shared members one in all; learn reaches each', () => {
    const shared = probe('shared-model', 'a');
    const s = ensembleSlot({
      members: [slot('own', 'a'), slot('shared-model', 'a', { perKey: false, create: () => shared })],
    });
    const e1 = s.create();
    const e2 = s.create();
    const x = Float64Array.of(0.1, 0);
    e1.score(x);
    e1.learn(x);
    e2.learn(x);
    expect(shared.learned).toBe(2);
    const json = e1.toJSON() as { members: { detector: unknown }[] };
    expect(json.members[0]!.detector).toEqual({ learned: 1 });
    expect(json.members[1]!.detector).toBeNull();
  });

  it('restores per-key members and calibrators from a snapshot', () => {
    const own: RestorableSlot = {
      ...slot('own', 'a', { createCalibrator: tailCalibrator({ warmup: 50 }) }),
      restore: () => probe('own', 'a'),
    };
    const s = ensembleSlot({ members: [own] });
    const e = s.create();
    for (let i = 0; i < 300; i++) {
      const x = Float64Array.of((i * 37) % 101, 0);
      e.score(x);
      e.learn(x);
    }
    const back = s.restore(JSON.parse(JSON.stringify(e.toJSON())));
    for (const v of [3, 50, 99, 140])
      expect(back.score(Float64Array.of(v, 0))).toBe(e.score(Float64Array.of(v, 0)));
  });

  it('refuses members of different key kinds and bad weights', () => {
    expect(() => ensembleSlot({ members: [slot('a', 'a'), slot('b', 'b', { keyKind: 'address' })] })).toThrow(
      ConfigError,
    );
    expect(() => ensembleSlot({ members: [slot('a', 'a')], weights: [2] })).toThrow(ConfigError);
  });
});

describe('ensemble - warming members', () => {
  it("a member's calibrator neither scores nor learns the member's warm-up zeros", () => {
    // Warm after 3 vectors; until then its score (0) is no evidence.
    const warming = (): Detector & { warm: boolean } => {
      let n = 0;
      return {
        name: 'w',
        features: ['a'],
        get warm() {
          return n >= 3;
        },
        score: (x) => (n >= 3 ? x[0]! : 0),
        learn() {
          n++;
        },
        explain: () => Float64Array.of(1),
        toJSON: () => ({ n }),
      };
    };
    const s = ensembleSlot({
      members: [slot('w', 'a', { create: warming, createCalibrator: tailCalibrator({ warmup: 19 }) })],
    });
    const e = s.create() as Ensemble;
    for (let i = 0; i < 3; i++) {
      expect(e.score(Float64Array.of(5))).toBe(0);
      e.learn(Float64Array.of(5));
    }
    // Had the calibrator learned the three zeros, 19 ordinary values would already make it ready.
    for (let i = 0; i < 18; i++) e.learn(Float64Array.of(1 + (i % 5) * 0.1));
    expect(e.score(Float64Array.of(100))).toBe(0);
    e.learn(Float64Array.of(1.2));
    expect(e.score(Float64Array.of(100))).toBeGreaterThan(0.99);
    const snapshot = (e.toJSON() as { members: { calibrator: { cur: { n: number } } }[] }).members[0]!;
    expect(snapshot.calibrator.cur.n).toBe(19);
  });
});
