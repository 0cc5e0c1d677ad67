import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { PolicyBook, type Intent, type PolicyInput } from '../../../policy/policyBook.ts';
import { globalScope, venueScope, venueSymbolScope } from '../../../policy/scopes.ts';
import { stableId } from '../../../core/stableId.ts';
import { Command } from '../../../schemas/command.ts';
import { PolicyConfig } from '../../../schemas/config.ts';

const p = PolicyConfig.parse({
  minHaltMs: 10_000,
  cooldownMs: 3_000,
  manualResumeGraceMs: 5_000,
  haltAfterMs: 0,
});
const LEAVES = [
  venueSymbolScope('va', 'BTC'),
  venueSymbolScope('va', 'ETH'),
  venueSymbolScope('va', 'SOL'),
  venueSymbolScope('vb', 'BTC'),
  venueSymbolScope('vb', 'ETH'),
];
const OVERRIDABLE = [...LEAVES, venueScope('va'), venueScope('vb'), globalScope];
/** Asset pairs over the leaves (indices): cross-venue BTC and ETH, cross-asset BTC/ETH on each venue. */
const PAIRS = [
  [0, 3],
  [1, 4],
  [0, 1],
  [3, 4],
].map(([a, b]) => ({ key: `pair:${LEAVES[a!]!.key}|${LEAVES[b!]!.key}`, legs: [LEAVES[a!]!, LEAVES[b!]!] }));
/** Calm more often than not, so that scopes resume and escalations are released as well as entered. */
const scoreArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0.1, 0.5) },
  { weight: 4, arbitrary: fc.constantFrom(0.85, 0.92, 0.96, 0.985, 0.995, 1) },
);

type Step = { dt: number } & (
  | { kind: 'signal'; leaf: number; score: number }
  | { kind: 'pair'; pair: number; score: number }
  | { kind: 'override'; scope: number; action: 'HALT' | 'THROTTLE' | 'RESUME' }
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      dt: fc.integer({ min: 0, max: 2_500 }),
      kind: fc.constant('signal' as const),
      leaf: fc.integer({ min: 0, max: LEAVES.length - 1 }),
      score: scoreArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      dt: fc.integer({ min: 0, max: 2_500 }),
      kind: fc.constant('pair' as const),
      pair: fc.integer({ min: 0, max: PAIRS.length - 1 }),
      score: scoreArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      dt: fc.integer({ min: 0, max: 2_500 }),
      kind: fc.constant('override' as const),
      scope: fc.integer({ min: 0, max: OVERRIDABLE.length - 1 }),
      action: fc.constantFrom('HALT' as const, 'THROTTLE' as const, 'RESUME' as const),
    }),
  },
);
const runArb = fc.array(stepArb, { minLength: 1, maxLength: 300, size: 'max' });

function inputsOf(steps: readonly Step[]): PolicyInput[] {
  let t = 1_700_000_000_000;
  return steps.map((s, i): PolicyInput => {
    t += s.dt;
    if (s.kind === 'signal')
      return {
        kind: 'signal',
        scope: LEAVES[s.leaf]!,
        eventTime: t,
        eventId: `e${i}`,
        score: s.score,
        detector: 'd',
      };
    if (s.kind === 'pair') {
      const pair = PAIRS[s.pair]!;
      return {
        kind: 'signal',
        scope: { level: 'symbol', key: pair.key },
        legs: pair.legs,
        eventTime: t,
        eventId: `e${i}`,
        score: s.score,
        detector: 'pair-d',
      };
    }
    return {
      kind: 'override',
      override: {
        requestId: `r${i}`,
        scope: OVERRIDABLE[s.scope]!,
        action: s.action,
        user: 'ann',
        why: 'test',
        time: t,
      },
    };
  });
}

/** Runs the inputs, returning every intent with the input index that caused it, and the book. */
function run(inputs: readonly PolicyInput[]) {
  const book = new PolicyBook(p);
  const out: { i: number; intent: Intent }[] = [];
  inputs.forEach((input, i) => {
    for (const intent of book.step(input).intents) out.push({ i, intent });
  });
  return { book, out };
}

const levelAction = { HALT: 3, REDUCE_ONLY: 2, THROTTLE: 1, RESUME: 0 } as const;

describe('policy book - properties of the state machine', () => {
  it('sequence numbers rise by one per command on each scope, and a level is never commanded twice in a row by the machine', () => {
    fc.assert(
      fc.property(runArb, (steps) => {
        const { out } = run(inputsOf(steps));
        const last = new Map<string, Intent>();
        for (const { intent } of out) {
          const prev = last.get(intent.scope.key);
          expect(intent.sequence).toBe((prev?.sequence ?? 0) + 1);
          if (intent.cause.kind !== 'manual') expect(intent.to).not.toBe(prev?.to ?? 0);
          last.set(intent.scope.key, intent);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('no command is applied twice: redelivered commands answer DUPLICATE, none is refused as stale', () => {
    fc.assert(
      fc.property(runArb, (steps) => {
        const inputs = inputsOf(steps);
        const { out } = run(inputs);
        let now = 0;
        const engine = new ReferenceEngine('e', () => now);
        const commands = out.map(({ i, intent }) =>
          Command.parse({
            commandId: stableId('cmd', intent.scope.key, intent.action, intent.sequence, `e${i}`),
            sequence: intent.sequence,
            action: intent.action,
            scope: intent.scope,
            eventTime: intent.time,
            issuedAt: intent.time,
            expiresAt: intent.time + p.commandTtlMs,
            reason: { code: intent.cause.kind, text: '-' },
            ...(intent.cause.kind === 'manual' ? { issuedBy: { user: 'ann', why: 'test' } } : {}),
          }),
        );
        expect(new Set(commands.map((c) => c.commandId)).size).toBe(commands.length);
        for (const c of commands) {
          now = c.issuedAt;
          expect(engine.apply(c).status).toBe('APPLIED');
          // A retry, or a rebalance redelivering the message.
          expect(engine.apply(c).status).toBe('DUPLICATE');
        }
        expect(engine.applied).toBe(commands.length);
        expect(engine.rejected).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('no automatic resume (or step down) from a halt before the minimum halt time', () => {
    fc.assert(
      fc.property(runArb, (steps) => {
        const { out } = run(inputsOf(steps));
        const haltedAt = new Map<string, number>();
        for (const { intent } of out) {
          const key = intent.scope.key;
          if (intent.from === 3 && intent.to < 3 && intent.cause.kind !== 'manual')
            expect(intent.time - haltedAt.get(key)!).toBeGreaterThanOrEqual(p.minHaltMs);
          if (intent.to === 3 && intent.from !== 3) haltedAt.set(key, intent.time);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('manual override wins: a pinned level holds until the next manual command; after a manual resume nothing restricts the scope within the grace', () => {
    fc.assert(
      fc.property(runArb, (steps) => {
        const { out } = run(inputsOf(steps));
        const manual = new Map<string, Intent>();
        for (const { intent } of out) {
          const key = intent.scope.key;
          const m = manual.get(key);
          if (intent.cause.kind === 'manual') {
            expect(intent.to).toBe(levelAction[intent.action as keyof typeof levelAction]);
            manual.set(key, intent);
            continue;
          }
          if (!m) continue;
          // Only a manual resume lets the machine act again, and only after the grace.
          expect(m.action).toBe('RESUME');
          if (intent.to > 0) expect(intent.time).toBeGreaterThanOrEqual(m.time + p.manualResumeGraceMs);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('escalation: two halted symbols on a venue halt the venue, two halted venues halt everything (a pair halting two legs counts once); a parent is released only when its children are and its timer ran out', () => {
    fc.assert(
      fc.property(runArb, (steps) => {
        const book = new PolicyBook(p);
        for (const input of inputsOf(steps)) {
          book.step(input);
          const now = book.now;
          const level = (key: string) => book.get(key)?.commanded ?? 0;
          for (const parent of [venueScope('va'), venueScope('vb'), globalScope]) {
            const r = book.get(parent.key);
            const children =
              parent.level === 'global'
                ? [venueScope('va'), venueScope('vb')]
                : LEAVES.filter((l) => l.venue === parent.venue);
            const haltedChildren = children.filter((c) => level(c.key) === 3);
            // Independent halts: a child halted by its own sources counts as itself, one halted only
            // by pairs as those pairs.
            const sources = new Set<string>();
            for (const c of haltedChildren) {
              const cr = book.get(c.key)!;
              const pairs = Object.entries(cr.pairs ?? {}).filter(([, st]) => st.level === 3);
              if (cr.pin || Math.max(cr.auto.level, cr.escalated?.level ?? 0) === 3 || pairs.length === 0)
                sources.add(c.key);
              else for (const [k] of pairs) sources.add(k);
            }
            const halted = Math.min(haltedChildren.length, sources.size);
            const grace = r?.graceUntil != null && now < r.graceUntil;
            if (halted >= 2 && !r?.pin && !grace) expect(level(parent.key)).toBe(3);
            if (r && !r.pin && r.escalated && halted < 2)
              // Still held only while its minimum halt time runs.
              expect(now - r.escalated.since).toBeLessThan(p.minHaltMs);
            if (r && !r.pin) expect(r.commanded).toBe(Math.max(r.auto.level, r.escalated?.level ?? 0));
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  it('is deterministic: the same inputs give the same intents and the same state', () => {
    fc.assert(
      fc.property(runArb, (steps) => {
        const inputs = inputsOf(steps);
        const a = run(inputs);
        const b = run(inputs);
        expect(b.out).toEqual(a.out);
        expect(b.book.toJSON()).toEqual(a.book.toJSON());
        const restored = PolicyBook.fromJSON(JSON.parse(JSON.stringify(a.book.toJSON())), p);
        expect(restored.toJSON()).toEqual(a.book.toJSON());
      }),
      { numRuns: 60 },
    );
  });
});
