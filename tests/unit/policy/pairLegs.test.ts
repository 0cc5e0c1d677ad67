import { from, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { scoreScenario } from '../../../evaluation/scenarios/detection.ts';
import { applyPolicy } from '../../../pipelines/applyPolicy.ts';
import type { Decision, FeatureFrame, ScoredFrame } from '../../../pipelines/envelope.ts';
import { withCrossFrames } from '../../../pipelines/withCrossFrames.ts';
import { PolicyBook, type PolicyInput } from '../../../policy/policyBook.ts';
import { scopeOf, venueSymbolScope } from '../../../policy/scopes.ts';
import { Alert } from '../../../schemas/alert.ts';
import { Command } from '../../../schemas/command.ts';
import { PolicyConfig } from '../../../schemas/config.ts';
import { FeatureVector, type Subject as FrameSubject } from '../../../schemas/feature.ts';

const p = PolicyConfig.parse({});
const VA = venueSymbolScope('va', 'SOLUSDT');
const VB = venueSymbolScope('vb', 'SOLUSDT');
const VC = venueSymbolScope('vc', 'SOLUSDT');
const ETH = venueSymbolScope('va', 'ETHUSDT');
const BTC = venueSymbolScope('va', 'BTCUSDT');

/** A cross-venue pair (SOL on va against SOL on vb) and a cross-asset one (ETH against BTC on va). */
const pairSubject = (a: { venue: string; symbol: string }, b: { venue: string; symbol: string }) =>
  ({
    key: `pair:${a.venue}:${a.symbol}|${b.venue}:${b.symbol}`,
    keyKind: 'asset-pair',
    legs: [a, b],
  }) satisfies FrameSubject;
const SOL_AB = pairSubject({ venue: 'va', symbol: 'SOLUSDT' }, { venue: 'vb', symbol: 'SOLUSDT' });
const SOL_CB = pairSubject({ venue: 'vc', symbol: 'SOLUSDT' }, { venue: 'vb', symbol: 'SOLUSDT' });
const ETH_BTC = pairSubject({ venue: 'va', symbol: 'ETHUSDT' }, { venue: 'va', symbol: 'BTCUSDT' });

const own = (scope: typeof VA, t: number, score: number): PolicyInput => ({
  kind: 'signal',
  scope,
  eventTime: t,
  eventId: `${scope.key}@${t}`,
  score,
  detector: 'pump-rule',
});
const pairSig = (subject: FrameSubject, t: number, score: number): PolicyInput => ({
  kind: 'signal',
  scope: scopeOf(subject),
  legs: subject.legs!.map((l) => venueSymbolScope(l.venue, l.symbol)),
  eventTime: t,
  eventId: `${subject.key}@${t}`,
  score,
  detector: 'dislocation-rule',
});

/** Steps the book and lists its intents as "time ACTION scope cause[ pair]". */
function run(book: PolicyBook, inputs: readonly PolicyInput[]): string[] {
  const out: string[] = [];
  for (const i of inputs)
    for (const x of book.step(i).intents) {
      const pair = 'pair' in x.cause && x.cause.pair ? ` ${x.cause.pair}` : '';
      out.push(`${x.time} ${x.action} ${x.scope.key} #${x.sequence} ${x.cause.kind}${pair}`);
    }
  return out;
}

describe('policy book - asset pairs restrict their legs', () => {
  it('a dislocation halt restricts both legs as venue-symbol scopes and resumes them once the pair is calm for the cooldown after the minimum halt', () => {
    const book = new PolicyBook(p);
    const inputs: PolicyInput[] = [pairSig(SOL_AB, 1000, 0.5), pairSig(SOL_AB, 1500, 0.995)];
    for (let t = 2000; t <= 60_000; t += 500) inputs.push(pairSig(SOL_AB, t, 0.1));
    expect(run(book, inputs)).toEqual([
      `1500 HALT vs:va:SOLUSDT #1 score ${SOL_AB.key}`,
      `1500 HALT vs:vb:SOLUSDT #1 score ${SOL_AB.key}`,
      // Calm from 2 s: cooldown 15 s is over at 17 s, the minimum halt (30 s) at 31.5 s.
      `31500 RESUME vs:va:SOLUSDT #2 calm ${SOL_AB.key}`,
      `31500 RESUME vs:vb:SOLUSDT #2 calm ${SOL_AB.key}`,
    ]);
    // One pair halting its two legs is one restriction: the symbol is not halted everywhere.
    expect(book.get('sym:SOLUSDT')).toBeUndefined();
    // No record was made for the pair itself: it is not a scope an engine knows.
    expect(book.get(SOL_AB.key)).toBeUndefined();
  });

  it("a leg's own scores and the pair's combine: the stricter level wins, a milder source never downgrades it, and it is released only when both are calm", () => {
    const book = new PolicyBook(p);
    const inputs: PolicyInput[] = [
      own(VA, 1000, 0.96), // va throttled by its own frames
      pairSig(SOL_AB, 1500, 0.995), // the pair halts both legs
      own(VA, 2000, 0.985), // va's own scores call for REDUCE_ONLY: below the pair's HALT, nothing
    ];
    // The pair calms at once; va's own scores stay at REDUCE_ONLY until 50 s, then calm too.
    for (let t = 2500; t <= 100_000; t += 500) {
      inputs.push(pairSig(SOL_AB, t, 0.1));
      inputs.push(own(VA, t, t < 50_000 ? 0.985 : 0.1));
    }
    expect(run(book, inputs)).toEqual([
      '1000 THROTTLE vs:va:SOLUSDT #1 score',
      `1500 HALT vs:va:SOLUSDT #2 score ${SOL_AB.key}`,
      `1500 HALT vs:vb:SOLUSDT #1 score ${SOL_AB.key}`,
      // The pair's halt ends (held 30 s, calm 15 s): va steps down to what its own scores call for.
      `31500 REDUCE_ONLY vs:va:SOLUSDT #3 calm ${SOL_AB.key}`,
      `31500 RESUME vs:vb:SOLUSDT #2 calm ${SOL_AB.key}`,
      // va's own scores calm at 50 s: resume after the 15 s cooldown.
      '65000 RESUME vs:va:SOLUSDT #4 calm',
    ]);
    const halt = book.get(VA.key)!;
    expect(halt.commanded).toBe(0);
    expect(halt.sequence).toBe(4);
  });

  it("a leg halted by its own frames stays halted when the pair calms, and the pair's halt holds it when its own scores calm", () => {
    const book = new PolicyBook(p);
    const inputs: PolicyInput[] = [own(VA, 1000, 0.995), pairSig(SOL_AB, 1500, 0.995)];
    for (let t = 2000; t <= 30_000; t += 500) inputs.push(own(VA, t, 0.1), pairSig(SOL_AB, t, 0.995));
    for (let t = 30_500; t <= 80_000; t += 500) inputs.push(own(VA, t, 0.1), pairSig(SOL_AB, t, 0.1));
    expect(run(book, inputs)).toEqual([
      '1000 HALT vs:va:SOLUSDT #1 score',
      // va is halted already: only vb is commanded. The leg va is halted by its own frames too,
      // so the two legs are two independent halts of SOLUSDT: the symbol is halted everywhere.
      `1500 HALT vs:vb:SOLUSDT #1 score ${SOL_AB.key}`,
      '1500 HALT sym:SOLUSDT #1 escalation',
      // va's own breaker resumes at 31.5 s, but the pair still holds both legs: they stay halted,
      // now by one restriction, so the symbol's escalation (held its 30 s) is released.
      '31500 RESUME sym:SOLUSDT #2 escalation-released',
      // The pair calm for the cooldown from 30.5 s: both legs resume.
      `45500 RESUME vs:va:SOLUSDT #2 calm ${SOL_AB.key}`,
      `45500 RESUME vs:vb:SOLUSDT #2 calm ${SOL_AB.key}`,
    ]);
  });

  it('two pairs dislocated around one venue (vc against va and against vb) are independent: the symbol is halted everywhere', () => {
    const book = new PolicyBook(p);
    const SOL_CA = pairSubject({ venue: 'vc', symbol: 'SOLUSDT' }, { venue: 'va', symbol: 'SOLUSDT' });
    const out = run(book, [pairSig(SOL_CA, 1000, 0.995), pairSig(SOL_CB, 1000, 0.995)]);
    expect(out).toEqual([
      `1000 HALT vs:vc:SOLUSDT #1 score ${SOL_CA.key}`,
      `1000 HALT vs:va:SOLUSDT #1 score ${SOL_CA.key}`,
      // vc is halted already by the first pair; the second one halting it too makes two
      // independent halts of SOLUSDT (vc by one pair, va by the other), then vb is halted.
      '1000 HALT sym:SOLUSDT #1 escalation',
      `1000 HALT vs:vb:SOLUSDT #1 score ${SOL_CB.key}`,
    ]);
    expect(VC.key).toBe('vs:vc:SOLUSDT');
  });

  it('a correlation break on one venue restricts both assets there, not the venue', () => {
    const book = new PolicyBook(p);
    expect(run(book, [pairSig(ETH_BTC, 1000, 0.995)])).toEqual([
      `1000 HALT vs:va:ETHUSDT #1 score ${ETH_BTC.key}`,
      `1000 HALT vs:va:BTCUSDT #1 score ${ETH_BTC.key}`,
    ]);
    expect(book.get('venue:va')?.commanded ?? 0).toBe(0);
    // A third symbol halted on its own is a second independent halt on the venue.
    expect(run(book, [own(VA, 2000, 0.995)])).toEqual([
      '2000 HALT vs:va:SOLUSDT #1 score',
      '2000 HALT venue:va #1 escalation',
    ]);
    expect(ETH.key).toBe('vs:va:ETHUSDT');
    expect(BTC.key).toBe('vs:va:BTCUSDT');
  });

  it('a manual resume of a leg clears its pair breakers and waits out the grace; a persisting dislocation halts it again after', () => {
    const book = new PolicyBook(p);
    run(book, [pairSig(SOL_AB, 1000, 0.995)]);
    const resume = book.step({
      kind: 'override',
      override: { requestId: 'r1', scope: VA, action: 'RESUME', user: 'ann', why: 'checked', time: 2000 },
    }).intents;
    expect(resume.map((i) => `${i.action} ${i.scope.key}`)).toEqual(['RESUME vs:va:SOLUSDT']);
    expect(run(book, [pairSig(SOL_AB, 3000, 0.995)])).toEqual([]);
    expect(run(book, [pairSig(SOL_AB, 2000 + p.manualResumeGraceMs, 0.995)])).toEqual([
      `${2000 + p.manualResumeGraceMs} HALT vs:va:SOLUSDT #3 score ${SOL_AB.key}`,
    ]);
  });

  it('a checkpointed book restores the pair breakers of its legs: the same commands follow as without the restart', () => {
    const inputs: PolicyInput[] = [own(VA, 1000, 0.96), pairSig(SOL_AB, 1500, 0.995)];
    for (let t = 2000; t <= 70_000; t += 500) inputs.push(pairSig(SOL_AB, t, 0.1), own(VA, t, 0.1));
    const cut = 10;
    const straight = run(new PolicyBook(p), inputs);
    const before = new PolicyBook(p);
    const first = run(before, inputs.slice(0, cut));
    const restored = PolicyBook.fromJSON(JSON.parse(JSON.stringify(before.toJSON())), p);
    expect(restored.get(VB.key)!.pairs![SOL_AB.key]!.level).toBe(3);
    expect([...first, ...run(restored, inputs.slice(cut))]).toEqual(straight);
    expect(straight.slice(-2)).toEqual([
      `31500 RESUME vs:va:SOLUSDT #3 calm ${SOL_AB.key}`,
      `31500 RESUME vs:vb:SOLUSDT #2 calm ${SOL_AB.key}`,
    ]);
  });

  it('restores a checkpoint written before pairs existed (records without `pairs`)', () => {
    const old = new PolicyBook(p);
    run(old, [own(VA, 1000, 0.995)]);
    const json = JSON.parse(JSON.stringify(old.toJSON())) as ReturnType<PolicyBook['toJSON']>;
    expect(json.records[0]).not.toHaveProperty('pairs');
    const book = PolicyBook.fromJSON(json, p);
    expect(run(book, [pairSig(SOL_AB, 2000, 0.995)])).toEqual([
      `2000 HALT vs:vb:SOLUSDT #1 score ${SOL_AB.key}`,
      '2000 HALT sym:SOLUSDT #1 escalation',
    ]);
  });
});

describe('applyPolicy - pair frames', () => {
  const frame = (subject: FrameSubject, t: number, score: number): ScoredFrame => ({
    frame: {
      seq: t,
      subject,
      eventId: `${subject.key}@${t}`,
      eventTime: t,
      arrivalMs: 0,
      names: ['price_dislocation'],
      values: new Float64Array([score * 100]),
      mid: 150,
    },
    scores: [
      {
        detector: 'dislocation-rule',
        raw: score,
        score,
        contributions: [{ feature: 'price_dislocation', value: score * 100, contribution: 1 }],
      },
    ],
  });

  function decide(frames: readonly ScoredFrame[]): Decision[] {
    const src = new Subject<ScoredFrame>();
    const out: Decision[] = [];
    src.pipe(applyPolicy(p)).subscribe((d) => out.push(d));
    for (const f of frames) src.next(f);
    src.complete();
    return out;
  }

  it('a dislocation-driven halt gives commands an engine applies: both legs refuse orders, the other venue and other symbols trade; the pair calm for the cooldown resumes them', () => {
    const frames = [frame(SOL_AB, 1000, 0.5), frame(SOL_AB, 1500, 0.995)];
    for (let t = 2000; t <= 40_000; t += 500) frames.push(frame(SOL_AB, t, 0.1));
    const decisions = decide(frames);
    const commands = decisions.flatMap((d) => d.commands).map((c) => Command.parse(c));
    const halts = commands.filter((c) => c.action === 'HALT');
    expect(halts.map((c) => c.scope)).toEqual([VA, VB]);
    for (const h of halts) {
      expect(h.reason.code).toBe('SCORE_THRESHOLD');
      expect(h.reason.text).toMatch(
        new RegExp(
          `^halted SOLUSDT on v[ab], a leg of ${SOL_AB.key.replace(/[|]/g, '\\|')}: dislocation-rule 0\\.995 ≥ 0\\.99; top features: price_dislocation`,
        ),
      );
      expect(h.evidence).toMatchObject({
        detector: 'dislocation-rule',
        pair: { key: SOL_AB.key, legs: SOL_AB.legs },
        topFeatures: [{ feature: 'price_dislocation' }],
        triggeringEvents: [{ eventId: `${SOL_AB.key}@1500` }],
      });
    }
    // The alert is on the pair, naming its legs.
    const alert = Alert.parse(decisions.flatMap((d) => d.alerts)[0]);
    expect(alert).toMatchObject({
      key: SOL_AB.key,
      keyKind: 'asset-pair',
      legs: SOL_AB.legs,
      severity: 'critical',
    });
    expect(alert.message).toMatch(/^pair SOLUSDT on va against SOLUSDT on vb: dislocation-rule 0\.995/);

    let now = 0;
    const engine = new ReferenceEngine('e', () => now);
    const order = (venue: string, symbol = 'SOLUSDT') =>
      engine.submitOrder({ venue, symbol, account: 'acct-1' });
    for (const c of commands.filter((c) => c.action === 'HALT')) {
      now = c.issuedAt;
      expect(engine.apply(c).status).toBe('APPLIED');
    }
    expect(order('va')).toEqual({ accepted: false, reason: 'halted: vs:va:SOLUSDT' });
    expect(order('vb')).toEqual({ accepted: false, reason: 'halted: vs:vb:SOLUSDT' });
    expect(order('vc').accepted).toBe(true);
    expect(order('va', 'BTCUSDT').accepted).toBe(true);

    const resumes = commands.filter((c) => c.action === 'RESUME');
    expect(resumes.map((c) => [c.scope.key, c.eventTime, c.reason.code])).toEqual([
      [VA.key, 31_500, 'CALM'],
      [VB.key, 31_500, 'CALM'],
    ]);
    expect(resumes[0]!.reason.text).toMatch(
      /^resumed SOLUSDT on va, a leg of pair:.*: the pair's scores below 0\.8 for 29\.5 s after HALT \(held 30 s\)$/,
    );
    for (const c of resumes) {
      now = c.issuedAt;
      expect(engine.apply(c).status).toBe('APPLIED');
    }
    expect(order('va').accepted).toBe(true);
    expect(order('vb').accepted).toBe(true);
  });

  it('a pair frame without legs (a record older than the field) restricts nothing and issues no command', () => {
    const legless: FrameSubject = { key: SOL_AB.key, keyKind: 'asset-pair' };
    const decisions = decide([frame(legless, 1000, 0.995), frame(legless, 1500, 0.995)]);
    expect(decisions.flatMap((d) => d.commands)).toEqual([]);
  });

  it('a FeatureVector of a pair validates with and without its legs', () => {
    const v = { schemaVersion: 1, eventTime: 1, eventId: 'e', values: { price_dislocation: 3 } };
    expect(FeatureVector.parse({ ...v, ...SOL_AB }).legs).toEqual(SOL_AB.legs);
    expect(FeatureVector.safeParse({ ...v, key: SOL_AB.key, keyKind: 'asset-pair' }).success).toBe(true);
    expect(FeatureVector.safeParse({ ...v, ...SOL_AB, legs: [SOL_AB.legs[0]] }).success).toBe(false);
  });

  it('the cross-asset stage in process gives pair frames their legs in the key’s order', async () => {
    const vsFrame = (venue: string, symbol: string, t: number, mid: number): FeatureFrame => ({
      seq: t,
      subject: { key: `vs:${venue}:${symbol}`, keyKind: 'venue-symbol', venue, symbol },
      eventId: `${venue}:${symbol}@${t}`,
      eventTime: t,
      arrivalMs: 0,
      names: [],
      values: new Float64Array(0),
      mid,
    });
    const input: FeatureFrame[] = [];
    for (let t = 0; t <= 6000; t += 100)
      input.push(
        vsFrame('va', 'SOLUSDT', t, 150),
        vsFrame('vb', 'SOLUSDT', t, 150.1),
        vsFrame('va', 'BTCUSDT', t, 90_000),
      );
    const pairs = new Map<string, FrameSubject>();
    await new Promise<void>((done) =>
      from(input)
        .pipe(withCrossFrames())
        .subscribe({
          next: (f) => {
            if (f.subject.keyKind === 'asset-pair') pairs.set(f.subject.key, f.subject);
          },
          complete: done,
        }),
    );
    expect(pairs.size).toBe(2);
    for (const s of pairs.values()) {
      const legs = s.legs!;
      expect(s.key).toBe(`pair:${legs[0].venue}:${legs[0].symbol}|${legs[1].venue}:${legs[1].symbol}`);
    }
  });
});

describe('scenario scoring - pair-driven commands', () => {
  it("a command on a leg driven by the scenario's pair is on the scenario's keys, not an off-target halt", () => {
    const truth = { scenario: 'x', keys: [ETH_BTC.key], start: 1000, end: 9000, description: 'x' };
    const cmd = (scope: typeof ETH, pair?: string): Command =>
      Command.parse({
        schemaVersion: 1,
        commandId: `c-${scope.key}`,
        sequence: 1,
        action: 'HALT',
        scope,
        eventTime: 2000,
        issuedAt: 2000,
        reason: { code: 'SCORE_THRESHOLD', text: 'x' },
        evidence: {
          detector: 'correlation-break-rule',
          score: 0.995,
          threshold: 0.99,
          topFeatures: [],
          triggeringEvents: [],
          ...(pair ? { pair: { key: pair, legs: ETH_BTC.legs } } : {}),
        },
      });
    const o = scoreScenario(truth, [], [cmd(ETH, ETH_BTC.key), cmd(BTC, ETH_BTC.key), cmd(VB)]);
    expect(o.detected).toBe(true);
    expect(o.detectedBy).toMatchObject({ kind: 'command', key: ETH.key, detector: 'correlation-break-rule' });
    expect(o.commands.map((c) => c.scope)).toEqual([ETH.key, BTC.key]);
    expect(o.offTargetHalts).toBe(1);
  });

  it("a halt escalated from the scenario's own restrictions is not off target; one with another child is", () => {
    const truth = { scenario: 'x', keys: [VC.key, SOL_AB.key], start: 1000, end: 9000, description: 'x' };
    const base = {
      schemaVersion: 1,
      sequence: 1,
      action: 'HALT',
      eventTime: 2000,
      issuedAt: 2000,
      reason: { code: 'SCORE_THRESHOLD', text: 'x' },
    } as const;
    const evidence = { detector: 'd', score: 0.995, threshold: 0.99, topFeatures: [], triggeringEvents: [] };
    const legA = {
      ...base,
      commandId: 'a',
      scope: VA,
      evidence: { ...evidence, pair: { key: SOL_AB.key, legs: SOL_AB.legs } },
    };
    const escalation = (children: string[]) => ({
      ...base,
      commandId: `e-${children.join()}`,
      scope: { level: 'symbol', key: 'sym:SOLUSDT', symbol: 'SOLUSDT' } as const,
      evidence: {
        ...evidence,
        children: children.map((scopeKey) => ({ scopeKey, action: 'HALT' as const })),
      },
    });
    expect(scoreScenario(truth, [], [legA, escalation([VA.key, VC.key])]).offTargetHalts).toBe(0);
    expect(scoreScenario(truth, [], [legA, escalation([VA.key, 'vs:vd:SOLUSDT'])]).offTargetHalts).toBe(1);
  });
});
