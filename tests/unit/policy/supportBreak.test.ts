import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { exposureTarget, ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { applyPolicy, type PolicyControl } from '../../../pipelines/applyPolicy.ts';
import type { Decision, ScoredFrame } from '../../../pipelines/envelope.ts';
import { PolicyBook } from '../../../policy/policyBook.ts';
import { venueSymbolScope } from '../../../policy/scopes.ts';
import { Alert } from '../../../schemas/alert.ts';
import { Command } from '../../../schemas/command.ts';
import { PolicyConfig } from '../../../schemas/config.ts';
import type { SupportBreak } from '../../../schemas/score.ts';

/** The mechanics at the issue's example thresholds; the measured defaults are checked below. */
const p = PolicyConfig.parse({ supportBreak: { probabilityAt: 0.5, cooldownMs: 15_000 } });
const SOL = venueSymbolScope('va', 'SOL');
const SUPPORT = 100;

/** An estimate at probability `prob` (a price above the support), or a broken level (`'broken'`). */
function estimate(prob: number | 'broken'): SupportBreak {
  const broken = prob === 'broken';
  return {
    detector: 'lstm',
    probability: broken ? 1 : prob,
    support: SUPPORT,
    price: broken ? 99.5 : 100.4,
    horizonMs: 60_000,
    broken,
    drift: -1e-5,
    volatility: 3e-4,
  };
}

/** A scored frame of SOL at t: one ensemble score and, unless `prob` is null, the LSTM's estimate. */
function frame(t: number, score: number, prob: number | 'broken' | null): ScoredFrame {
  return {
    frame: {
      seq: t,
      subject: { key: SOL.key, keyKind: 'venue-symbol', venue: 'va', symbol: 'SOL' },
      eventId: `ev${t}`,
      eventTime: t,
      arrivalMs: 0,
      names: ['mid_return'],
      values: new Float64Array([0]),
      mid: prob === 'broken' ? 99.5 : 100.4,
    },
    scores: [
      {
        detector: 'ensemble',
        raw: score,
        score,
        contributions: [],
        ...(prob === null ? {} : { supportBreak: estimate(prob) }),
      },
    ],
  };
}

function run(frames: ScoredFrame[], config = p, controls?: (c: Subject<PolicyControl>) => void): Command[] {
  const src = new Subject<ScoredFrame>();
  const ctl = new Subject<PolicyControl>();
  const out: Decision[] = [];
  src.pipe(applyPolicy(config, { controls: ctl })).subscribe((d) => out.push(d));
  for (const f of frames) src.next(f);
  controls?.(ctl);
  src.complete();
  // Every command must be a valid protocol message.
  return out.flatMap((d) => d.commands).map((c) => Command.parse(c));
}

/** Every decision's alerts, as the alert feed gets them (each a valid Alert). */
function alertsOf(frames: ScoredFrame[], config = p): Alert[] {
  const src = new Subject<ScoredFrame>();
  const out: Decision[] = [];
  src.pipe(applyPolicy(config)).subscribe((d) => out.push(d));
  for (const f of frames) src.next(f);
  src.complete();
  return out.flatMap((d) => d.alerts).map((a) => Alert.parse(a));
}

const brief = (c: Command) => `${c.eventTime} ${c.action} ${c.magnitude ?? '-'} ${c.reason.code}`;
/** One frame a second from `from` to `to` (exclusive) with the same score and estimate. */
const span = (from: number, to: number, score: number, prob: number | 'broken' | null) =>
  Array.from({ length: Math.ceil((to - from) / 1000) }, (_, i) => frame(from + i * 1000, score, prob));

describe('policy - support-break de-risking', () => {
  it('probability at the threshold: REDUCE_ONLY cutting 50 %; the level breaks: 30 % more (magnitude 0.8 in all); no repeats', () => {
    const cmds = run([
      ...span(0, 5000, 0.1, 0.2),
      ...span(5000, 8000, 0.1, 0.49),
      ...span(8000, 12_000, 0.1, 0.5),
      ...span(12_000, 16_000, 0.1, 0.9),
      ...span(16_000, 20_000, 0.1, 'broken'),
    ]);
    expect(cmds.map(brief)).toEqual([
      '8000 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      '16000 REDUCE_ONLY 0.8 SUPPORT_BROKEN',
    ]);
    const [first, second] = cmds as [Command, Command];
    expect([first.sequence, second.sequence]).toEqual([1, 2]);
    expect(first.commandId).not.toBe(second.commandId);
    expect(first.reason.text).toBe(
      'set reduce-only on SOL on va, cutting 50 % of exposure: support-break probability 0.50 ≥ 0.5 within 60 s (lstm; support 100, price 100.4)',
    );
    expect(second.reason.text).toBe(
      'set reduce-only on SOL on va, cutting 30 % more (80 % in all): support 100 broken, price 99.5 (lstm, 60 s horizon)',
    );
    expect(first.evidence).toMatchObject({
      detector: 'lstm',
      score: 0.5,
      threshold: 0.5,
      supportBreak: { support: 100, price: 100.4, probability: 0.5, horizonMs: 60_000, broken: false },
    });
    expect(second.evidence).toMatchObject({ detector: 'lstm', score: 1, supportBreak: { broken: true } });
  });

  it('a level that breaks before its probability reached the threshold is cut 80 % at once', () => {
    const cmds = run([...span(0, 3000, 0.1, 0.1), ...span(3000, 6000, 0.1, 'broken')]);
    expect(cmds.map(brief)).toEqual(['3000 REDUCE_ONLY 0.8 SUPPORT_BROKEN']);
    expect(cmds[0]!.reason.text).toContain('cutting 80 % of exposure: support 100 broken');
  });

  it('recovery: RESUME once the estimates stayed below exitBelow, level intact, for the cooldown; between exitBelow and the threshold nothing changes', () => {
    const frames = [
      ...span(0, 2000, 0.1, 0.6),
      ...span(2000, 4000, 0.1, 'broken'),
      // Hysteresis band: not calm, not a new step.
      ...span(4000, 40_000, 0.1, 0.3),
      // Calm from 40 s: the cooldown (15 s) ends at 55 s.
      ...span(40_000, 70_000, 0.1, 0.1),
    ];
    const cmds = run(frames);
    expect(cmds.map(brief)).toEqual([
      '0 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      '2000 REDUCE_ONLY 0.8 SUPPORT_BROKEN',
      `${40_000 + p.supportBreak.cooldownMs} RESUME - CALM`,
    ]);
    expect(cmds[2]!.reason.text).toBe(
      'resumed SOL on va: scores below 0.8 for 55 s and support-break probability below 0.25 for 15 s after REDUCE_ONLY (held 55 s)',
    );
    // A new episode after the resume starts again from the first cut.
    const again = run([...frames, ...span(70_000, 72_000, 0.1, 0.7)]);
    expect(again.map(brief).at(-1)).toBe('70000 REDUCE_ONLY 0.5 SUPPORT_AT_RISK');
  });

  it('a HALT is never downgraded: a break under a halt issues nothing, and when the halt calms the scope steps down to the 80 % cut, then resumes', () => {
    const cmds = run([
      ...span(0, 1000, 0.995, 0.2),
      ...span(1000, 5000, 0.995, 0.7),
      ...span(5000, 10_000, 0.995, 'broken'),
      // Scores calm from 10 s; the level stays broken until 50 s, then the estimates calm too.
      ...span(10_000, 50_000, 0.1, 'broken'),
      ...span(50_000, 80_000, 0.1, 0.05),
    ]);
    expect(cmds.map(brief)).toEqual([
      '0 HALT - SCORE_THRESHOLD',
      // Halt held 30 s (minHaltMs) and scores calm 15 s: down to what the broken level calls for.
      '30000 REDUCE_ONLY 0.8 CALM',
      `${50_000 + p.supportBreak.cooldownMs} RESUME - CALM`,
    ]);
    expect(cmds[1]!.reason.text).toBe(
      'set reduce-only on SOL on va (down from HALT): scores below 0.8 for 20 s after HALT (held 30 s); support-break de-risking still holds REDUCE_ONLY',
    );
  });

  it('composes with score-driven levels: REDUCE_ONLY by score is not repeated at the threshold, a break cuts deeper, a halt still goes over it', () => {
    const cmds = run([
      ...span(0, 2000, 0.985, 0.2),
      ...span(2000, 4000, 0.985, 0.6),
      ...span(4000, 6000, 0.985, 'broken'),
      ...span(6000, 8000, 0.999, 'broken'),
    ]);
    expect(cmds.map(brief)).toEqual([
      '0 REDUCE_ONLY 0.5 SCORE_THRESHOLD',
      '4000 REDUCE_ONLY 0.8 SUPPORT_BROKEN',
      '6000 HALT - SCORE_THRESHOLD',
    ]);
    expect(cmds[1]!.reason.text).toContain('cutting 30 % more (80 % in all)');
    // A score-driven command on a frame with an estimate names the support level too.
    expect(cmds[2]!.evidence!.supportBreak).toMatchObject({ support: 100, broken: true });
  });

  it('a throttle by score with a likely break goes to REDUCE_ONLY; when the estimates calm it steps back to THROTTLE', () => {
    const cmds = run([
      ...span(0, 2000, 0.96, 0.2),
      ...span(2000, 4000, 0.96, 0.6),
      ...span(4000, 30_000, 0.9, 0.1),
    ]);
    expect(cmds.map(brief)).toEqual([
      '0 THROTTLE 0.5 SCORE_THRESHOLD',
      '2000 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      `${4000 + p.supportBreak.cooldownMs} THROTTLE 0.5 CALM`,
    ]);
    expect(cmds[2]!.reason.text).toContain('scores still call for THROTTLE');
  });

  it('a price back under the support counts as calm only once it is above it: between the break level and the support the de-risking holds', () => {
    const below = (t: number): ScoredFrame => {
      const f = frame(t, 0.1, 0.1);
      const e = { ...estimate(0.1), price: 99.5, breakLevel: 98, probability: 0.1 };
      return { ...f, scores: [{ ...f.scores[0]!, supportBreak: e }] };
    };
    const cmds = run([
      ...span(0, 1000, 0.1, 0.7),
      ...Array.from({ length: 30 }, (_, i) => below(1000 + i * 1000)),
      ...span(31_000, 60_000, 0.1, 0.1),
    ]);
    expect(cmds.map(brief)).toEqual([
      '0 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      `${31_000 + p.supportBreak.cooldownMs} RESUME - CALM`,
    ]);
  });

  it('frames without an estimate (no LSTM, warming up) neither step nor calm the de-risking', () => {
    const cmds = run([...span(0, 2000, 0.1, 0.7), ...span(2000, 60_000, 0.1, null)]);
    expect(cmds.map(brief)).toEqual(['0 REDUCE_ONLY 0.5 SUPPORT_AT_RISK']);
  });

  it('turned off, estimates never restrict but still show in the evidence', () => {
    const off = PolicyConfig.parse({ supportBreak: { enabled: false } });
    const cmds = run([...span(0, 2000, 0.1, 'broken'), ...span(2000, 3000, 0.995, 'broken')], off);
    expect(cmds.map(brief)).toEqual(['2000 HALT - SCORE_THRESHOLD']);
    expect(cmds[0]!.evidence!.supportBreak).toMatchObject({ broken: true });
  });

  it('a manual resume clears the de-risking and holds it off for the grace', () => {
    const book = new PolicyBook(p);
    const sig = (t: number, prob: number | 'broken') =>
      ({
        kind: 'signal',
        scope: SOL,
        eventTime: t,
        eventId: `e${t}`,
        score: 0.1,
        detector: 'ensemble',
        supportBreak: estimate(prob),
      }) as const;
    expect(book.step(sig(0, 'broken')).intents.map((i) => [i.action, i.magnitude])).toEqual([
      ['REDUCE_ONLY', 0.8],
    ]);
    const resume = book.step({
      kind: 'override',
      override: { requestId: 'r', scope: SOL, action: 'RESUME', user: 'ann', why: 'level holds', time: 1000 },
    }).intents;
    expect(resume.map((i) => i.action)).toEqual(['RESUME']);
    expect(book.step(sig(2000, 'broken')).intents).toEqual([]);
    expect(book.step(sig(1000 + p.manualResumeGraceMs, 'broken')).intents.map((i) => i.magnitude)).toEqual([
      0.8,
    ]);
  });

  it('a checkpointed book restores the de-risking stage and the commanded cut', () => {
    const book = new PolicyBook(p);
    const sig = (t: number, prob: number | 'broken') =>
      ({
        kind: 'signal',
        scope: SOL,
        eventTime: t,
        eventId: `e${t}`,
        score: 0.1,
        detector: 'ensemble',
        supportBreak: estimate(prob),
      }) as const;
    book.step(sig(0, 0.7));
    const restored = PolicyBook.fromJSON(JSON.parse(JSON.stringify(book.toJSON())), p);
    expect(restored.step(sig(1000, 0.7)).intents).toEqual([]);
    expect(restored.step(sig(2000, 'broken')).intents.map((i) => [i.sequence, i.magnitude])).toEqual([
      [2, 0.8],
    ]);
  });
});

describe('policy - support-break alerts', () => {
  it('every support-break command comes with a warning alert on the feed carrying the estimate (support, price, probability, horizon)', () => {
    const frames = [
      ...span(0, 5000, 0.1, 0.2),
      ...span(5000, 8000, 0.1, 0.5),
      ...span(8000, 10_000, 0.1, 'broken'),
    ];
    const cmds = run(frames);
    const alerts = alertsOf(frames);
    expect(cmds.map(brief)).toEqual([
      '5000 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      '8000 REDUCE_ONLY 0.8 SUPPORT_BROKEN',
    ]);
    // The break 3 s after the first alert is announced too: the stage rose (as a rising severity does).
    expect(alerts.map((a) => `${a.eventTime} ${a.severity} ${a.detector} ${a.score}`)).toEqual([
      '5000 warning lstm 0.5',
      '8000 warning lstm 1',
    ]);
    expect(alerts.map((a) => a.triggeringEventIds)).toEqual([['ev5000'], ['ev8000']]);
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(2);
    expect(alerts[0]).toMatchObject({
      key: SOL.key,
      venue: 'va',
      symbol: 'SOL',
      message: 'SOL on va: support-break probability 0.50 ≥ 0.5 within 60 s (lstm; support 100, price 100.4)',
      supportBreak: { support: 100, price: 100.4, probability: 0.5, horizonMs: 60_000, broken: false },
    });
    expect(alerts[1]!.message).toBe('SOL on va: support 100 broken, price 99.5 (lstm, 60 s horizon)');
    expect(alerts[1]!.supportBreak).toMatchObject({ broken: true, probability: 1 });
  });

  it('de-duplicated like score alerts: a new episode within alertIntervalMs of the last alert at the same stage is not announced again', () => {
    const quick = PolicyConfig.parse({ supportBreak: { probabilityAt: 0.5, cooldownMs: 0 } });
    const frames = [
      frame(0, 0.1, 0.6),
      frame(1000, 0.1, 0.1),
      frame(2000, 0.1, 0.6),
      frame(3000, 0.1, 0.1),
      frame(4000, 0.1, 'broken'),
      frame(5000, 0.1, 0.1),
      frame(12_000, 0.1, 0.6),
    ];
    expect(run(frames, quick).map(brief)).toEqual([
      '0 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      '1000 RESUME - CALM',
      '2000 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
      '3000 RESUME - CALM',
      '4000 REDUCE_ONLY 0.8 SUPPORT_BROKEN',
      '5000 RESUME - CALM',
      '12000 REDUCE_ONLY 0.5 SUPPORT_AT_RISK',
    ]);
    // Held back: 2000 (stage 1, 2 s after the stage-1 alert) and 12 000 (stage 1, 8 s after the
    // stage-2 alert at 4000). Announced: 4000, a higher stage; 14 000, 10 s after the last alert.
    expect(alertsOf(frames, quick).map((a) => a.eventTime)).toEqual([0, 4000]);
    const later = [...frames, frame(13_000, 0.1, 0.1), frame(14_000, 0.1, 0.6)];
    expect(alertsOf(later, quick).map((a) => a.eventTime)).toEqual([0, 4000, 14_000]);
  });

  it('a break under a halt issues no command but is still announced; turned off, nothing is', () => {
    const frames = [...span(0, 2000, 0.995, 0.1), ...span(2000, 3000, 0.995, 'broken')];
    expect(run(frames).map(brief)).toEqual(['0 HALT - SCORE_THRESHOLD']);
    const alerts = alertsOf(frames);
    expect(alerts.filter((a) => a.supportBreak).map((a) => a.eventTime)).toEqual([2000]);
    const off = PolicyConfig.parse({ supportBreak: { enabled: false } });
    expect(alertsOf(frames, off).some((a) => a.supportBreak)).toBe(false);
  });
});

describe('policy - support-break configuration', () => {
  it('defaults, and refuses an exit threshold at or above the enter threshold or cuts adding up above 1', () => {
    expect(PolicyConfig.parse({}).supportBreak).toEqual({
      enabled: true,
      probabilityAt: 0.8,
      exitBelow: 0.25,
      cooldownMs: 900_000,
      reduceFraction: 0.5,
      breakFraction: 0.3,
    });
    const bad = PolicyConfig.safeParse({ supportBreak: { exitBelow: 0.8 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['supportBreak', 'exitBelow']);
    const over = PolicyConfig.safeParse({ supportBreak: { reduceFraction: 0.8, breakFraction: 0.3 } });
    expect(over.error!.issues[0]!.path).toEqual(['supportBreak', 'breakFraction']);
  });
});

describe('reference engine - graded reduce-only', () => {
  it('applies the cumulative magnitude: 0.5 then 0.8 leave 50 % then 20 % of the exposure held when reduce-only began', () => {
    let now = 1000;
    const engine = new ReferenceEngine('e', () => now);
    const cmds = run([...span(0, 2000, 0.1, 0.6), ...span(2000, 3000, 0.1, 'broken')]);
    const acks = cmds.map((c) => {
      now = c.issuedAt + 5;
      return engine.apply(c).status;
    });
    expect(acks).toEqual(['APPLIED', 'APPLIED']);
    const [r] = engine.activeRestrictions();
    expect(r).toMatchObject({
      action: 'REDUCE_ONLY',
      magnitude: 0.8,
      since: 5,
      commandId: cmds[1]!.commandId,
    });
    expect(exposureTarget(r!, 1000)).toBeCloseTo(200, 9);
    const order = { venue: 'va', symbol: 'SOL', account: 'a1' };
    expect(engine.submitOrder(order).accepted).toBe(false);
    expect(engine.submitOrder({ ...order, reduceOnly: true }).accepted).toBe(true);
    // A redelivered first step is a duplicate, not a shallower cut.
    expect(engine.apply(cmds[0]!).status).toBe('DUPLICATE');
    expect(engine.activeRestrictions()[0]!.magnitude).toBe(0.8);
  });
});
