import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Decision, ScoredFrame } from '../../../pipelines/envelope.ts';
import { applyPolicy, type PolicyControl } from '../../../pipelines/applyPolicy.ts';
import { flagOfLabel } from '../../../policy/addressFreeze.ts';
import { PolicyBook } from '../../../policy/policyBook.ts';
import { addressScope, globalScope, venueScope, venueSymbolScope } from '../../../policy/scopes.ts';
import { Command } from '../../../schemas/command.ts';
import { PolicyConfig } from '../../../schemas/config.ts';
import { AddressLabel } from '../../../schemas/onchain.ts';

const p = PolicyConfig.parse({});
const BTC = venueSymbolScope('va', 'BTC');
const ETH = venueSymbolScope('va', 'ETH');
const sig = (scope = BTC, t: number, score: number) =>
  ({ kind: 'signal', scope, eventTime: t, eventId: `e${t}`, score, detector: 'd' }) as const;

describe('policy book - escalation, overrides, freeze', () => {
  it('two halted symbols on one venue halt the venue, with the children as evidence; the venue resumes once fewer than two are halted and its minimum halt ran out', () => {
    const book = new PolicyBook(p);
    expect(book.step(sig(BTC, 1000, 0.995)).intents.map((i) => i.scope.key)).toEqual(['vs:va:BTC']);
    const second = book.step(sig(ETH, 2000, 0.995)).intents;
    expect(second.map((i) => `${i.action} ${i.scope.key}`)).toEqual(['HALT vs:va:ETH', 'HALT venue:va']);
    expect(second[1]!.cause).toMatchObject({
      kind: 'escalation',
      children: [
        { scopeKey: 'vs:va:BTC', action: 'HALT' },
        { scopeKey: 'vs:va:ETH', action: 'HALT' },
      ],
    });
    // Both calm down: each resumes after its own min halt + cooldown, the venue once they have.
    const out: string[] = [];
    for (let t = 3000; t <= 80_000; t += 1000)
      for (const s of [sig(BTC, t, 0.1), sig(ETH, t, 0.1)])
        for (const i of book.step(s).intents)
          out.push(`${i.time} ${i.action} ${i.scope.key} ${i.cause.kind}`);
    expect(out).toEqual([
      '31000 RESUME vs:va:BTC calm',
      // One halted child is fewer than the rule's two, and the venue has been halted 30 s.
      '32000 RESUME venue:va escalation-released',
      '32000 RESUME vs:va:ETH calm',
    ]);
  });

  it('a manual halt holds against calm scores until a manual resume; after the resume the machine waits out the grace', () => {
    const book = new PolicyBook(p);
    const halt = book.step({
      kind: 'override',
      override: { requestId: 'r1', scope: BTC, action: 'HALT', user: 'ann', why: 'venue outage', time: 1000 },
    }).intents;
    expect(halt).toMatchObject([
      { action: 'HALT', cause: { kind: 'manual', user: 'ann', why: 'venue outage' } },
    ]);
    for (let t = 2000; t < 120_000; t += 1000) expect(book.step(sig(BTC, t, 0.1)).intents).toEqual([]);
    // The same request again is a no-op.
    expect(
      book.step({
        kind: 'override',
        override: { requestId: 'r1', scope: BTC, action: 'HALT', user: 'ann', why: 'x', time: 120_000 },
      }),
    ).toMatchObject({ intents: [] });
    const resume = book.step({
      kind: 'override',
      override: {
        requestId: 'r2',
        scope: BTC,
        action: 'RESUME',
        user: 'bob',
        why: 'venue back',
        time: 121_000,
      },
    }).intents;
    expect(resume).toMatchObject([{ action: 'RESUME', sequence: 2, cause: { kind: 'manual', user: 'bob' } }]);
    expect(book.step(sig(BTC, 122_000, 0.999)).intents).toEqual([]);
    expect(book.step(sig(BTC, 121_000 + p.manualResumeGraceMs, 0.999)).intents.map((i) => i.action)).toEqual([
      'HALT',
    ]);
  });

  it('freezes an address on a sanctions label, not on an exchange label, and keeps it frozen until a manual resume', () => {
    const book = new PolicyBook(p);
    const label = (category: string, eventId: string) =>
      flagOfLabel(
        AddressLabel.parse({
          type: 'label',
          eventId,
          chain: 'ethereum',
          address: '0xABC',
          category,
          source: 'ofac',
          eventTime: 5000,
        }),
      );
    expect(book.step({ kind: 'flag', flag: label('exchange', 'l1') }).intents).toEqual([]);
    const frozen = book.step({ kind: 'flag', flag: label('sanctioned', 'l2') }).intents;
    expect(frozen).toMatchObject([
      {
        action: 'HALT',
        scope: addressScope('0xabc'),
        cause: { kind: 'freeze', category: 'sanctioned', source: 'ofac' },
      },
    ]);
    expect(book.step({ kind: 'flag', flag: label('sanctioned', 'l3') }).intents).toEqual([]);
    for (let t = 6000; t < 200_000; t += 5000)
      expect(book.step(sig(addressScope('0xabc'), t, 0.1)).intents).toEqual([]);
  });

  it('waits haltAfterMs with the score above the halt threshold before halting, and says for how long', () => {
    const book = new PolicyBook(PolicyConfig.parse({ haltAfterMs: 3000 }));
    const actions: string[] = [];
    for (let t = 0; t <= 4000; t += 500)
      for (const i of book.step(sig(BTC, t, 0.997)).intents)
        actions.push(`${t} ${i.action} ${i.cause.kind === 'score' ? i.cause.aboveForMs : ''}`);
    expect(actions).toEqual(['0 REDUCE_ONLY 0', '3000 HALT 3000']);
  });

  it('venue halts of two venues halt all trading', () => {
    const book = new PolicyBook(p);
    const keys: string[] = [];
    for (const [i, s] of [BTC, ETH, venueSymbolScope('vb', 'BTC'), venueSymbolScope('vb', 'ETH')].entries())
      for (const it of book.step(sig(s, 1000 + i, 0.999)).intents) keys.push(it.scope.key);
    expect(keys).toContain(venueScope('vb').key);
    expect(keys).toContain(globalScope.key);
  });
});

describe('applyPolicy - commands from intents', () => {
  const frame = (t: number, score: number, key = BTC): ScoredFrame => ({
    frame: {
      seq: t,
      subject: { key: key.key, keyKind: 'venue-symbol', venue: key.venue, symbol: key.symbol },
      eventId: `ev${t}`,
      eventTime: t,
      arrivalMs: 0,
      names: ['cancel_to_trade', 'book_imbalance'],
      values: new Float64Array([(t % 7) + 1, ((t % 5) - 2) / 3]),
      mid: 100,
    },
    scores: [
      {
        detector: 'ensemble',
        raw: score,
        score,
        contributions: [
          { feature: 'cancel_to_trade', value: (t % 7) + 1, contribution: 3 },
          { feature: 'book_imbalance', value: ((t % 5) - 2) / 3, contribution: 1 },
        ],
      },
    ],
  });

  function collect(frames: ScoredFrame[], controls?: (c: Subject<PolicyControl>) => void) {
    const src = new Subject<ScoredFrame>();
    const ctl = new Subject<PolicyControl>();
    const out: Decision[] = [];
    src.pipe(applyPolicy(p, { controls: ctl })).subscribe((d) => out.push(d));
    for (const f of frames) src.next(f);
    controls?.(ctl);
    src.complete();
    return out;
  }

  it('a halt carries a valid command: sequence, reason code, rationale with percentiles, evidence, triggering events, expiry', () => {
    const frames = Array.from({ length: 600 }, (_, i) => frame(1000 + i * 10, 0.3));
    frames.push(frame(7000, 0.97), frame(7010, 0.995));
    const cmds = collect(frames).flatMap((d) => d.commands);
    expect(cmds.map((c) => c.action)).toEqual(['THROTTLE', 'HALT']);
    const halt = Command.parse(cmds[1]);
    expect(halt).toMatchObject({
      sequence: 2,
      eventTime: 7010,
      issuedAt: 7010,
      expiresAt: 7010 + p.commandTtlMs,
      reason: { code: 'SCORE_THRESHOLD' },
    });
    expect(halt.reason.text).toMatch(
      /^halted BTC on va: ensemble 0\.995 ≥ 0\.99; top features: cancel_to_trade [\d.]+ \(p[\d.]+\), book_imbalance .+ \(p[\d.]+\)$/,
    );
    expect(halt.evidence!.topFeatures[0]!.percentile).toBeGreaterThan(0);
    expect(halt.evidence!.triggeringEvents.map((e) => e.eventId)).toEqual(['ev7000', 'ev7010']);
    expect(halt.evidence!.scores).toEqual([{ detector: 'ensemble', score: 0.995 }]);
  });

  it('manual overrides come in as controls and leave commands with who and why', () => {
    const decisions = collect([frame(1000, 0.1)], (c) => {
      c.next({
        kind: 'override',
        override: {
          requestId: 'q1',
          scope: globalScope,
          action: 'HALT',
          user: 'ann',
          why: 'exchange hack',
          time: 2000,
        },
      });
      c.next({
        kind: 'override',
        override: {
          requestId: 'q2',
          scope: globalScope,
          action: 'RESUME',
          user: 'ann',
          why: 'all clear',
          time: 3000,
        },
      });
    });
    const cmds = decisions.flatMap((d) => d.commands).map((c) => Command.parse(c));
    expect(cmds.map((c) => [c.action, c.reason.code, c.issuedBy?.user, c.sequence])).toEqual([
      ['HALT', 'MANUAL_HALT', 'ann', 1],
      ['RESUME', 'MANUAL_RESUME', 'ann', 2],
    ]);
    expect(cmds[0]!.reason.text).toBe('halted all trading by hand: ann: exchange hack');
  });
});
