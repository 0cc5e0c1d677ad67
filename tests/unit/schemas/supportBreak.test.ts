import { describe, expect, it } from 'vitest';
import { Command } from '../../../schemas/command.ts';
import { messageSchemas } from '../../../schemas/index.ts';
import { Score, SupportBreak } from '../../../schemas/score.ts';
import { z } from 'zod';

const ok = {
  detector: 'lstm',
  probability: 0.62,
  support: 101.2,
  breakLevel: 99.176,
  price: 101.9,
  horizonMs: 60_000,
  broken: false,
  drift: -2e-5,
  volatility: 3e-4,
};
const broken = { ...ok, price: 99.1, broken: true, probability: 1 };
const issuesOf = (v: unknown) => SupportBreak.safeParse(v).error?.issues.map((i) => i.path.join('.'));

describe('schemas - support-break estimate', () => {
  it('accepts an estimate above its level and a broken level', () => {
    expect(SupportBreak.parse(ok)).toEqual(ok);
    expect(SupportBreak.parse(broken)).toEqual(broken);
  });

  it('refuses a probability outside 0..1, a non-positive price or support, a fractional or zero horizon', () => {
    expect(issuesOf({ ...ok, probability: 1.2 })).toEqual(['probability']);
    expect(issuesOf({ ...ok, probability: Number.NaN })).toEqual(['probability']);
    // The break level (99.176) is then above the support as well.
    expect(issuesOf({ ...ok, support: 0 })).toEqual(['support', 'breakLevel']);
    // The broken check runs too: -1 is below the support.
    expect(issuesOf({ ...ok, price: -1 })).toEqual(['price', 'broken']);
    expect(issuesOf({ ...ok, horizonMs: 0 })).toEqual(['horizonMs']);
    expect(issuesOf({ ...ok, horizonMs: 1.5 })).toEqual(['horizonMs']);
    expect(issuesOf({ ...ok, volatility: -1 })).toEqual(['volatility']);
    expect(issuesOf({ ...ok, detector: '' })).toEqual(['detector']);
  });

  it('broken means at or below the break level: a price under the support but above it only tests the level; without a break level, the support', () => {
    expect(SupportBreak.parse({ ...ok, price: 100 }).broken).toBe(false);
    expect(issuesOf({ ...ok, price: 100, broken: true, probability: 1 })).toEqual(['broken']);
    const { breakLevel: _, ...touch } = ok;
    expect(issuesOf({ ...touch, price: 101.2, broken: true, probability: 1 })).toBeUndefined();
    expect(issuesOf({ ...ok, breakLevel: 101.5 })).toEqual(['breakLevel']);
  });

  it('refuses a broken flag that disagrees with the prices, and a broken level below probability 1', () => {
    expect(issuesOf({ ...ok, broken: true, probability: 1 })).toEqual(['broken']);
    expect(issuesOf({ ...broken, broken: false, probability: 0.9 })).toEqual(['broken']);
    expect(issuesOf({ ...broken, probability: 0.9 })).toEqual(['probability']);
  });

  it('is an optional field of a score and of a command’s evidence, validated there too', () => {
    const score = {
      key: 'vs:va:SOL',
      keyKind: 'venue-symbol',
      venue: 'va',
      symbol: 'SOL',
      eventTime: 1,
      eventId: 'e1',
      detector: 'ensemble',
      raw: 0.3,
      score: 0.3,
      contributions: [],
    };
    expect(Score.parse(score).supportBreak).toBeUndefined();
    expect(Score.parse({ ...score, supportBreak: ok }).supportBreak).toEqual(ok);
    expect(Score.safeParse({ ...score, supportBreak: { ...ok, probability: 2 } }).success).toBe(false);
    const command = {
      commandId: 'c1',
      sequence: 1,
      action: 'REDUCE_ONLY',
      scope: { level: 'venue-symbol', key: 'vs:va:SOL', venue: 'va', symbol: 'SOL' },
      eventTime: 1,
      issuedAt: 1,
      magnitude: 0.8,
      reason: { code: 'SUPPORT_BROKEN', text: 'x' },
      evidence: {
        detector: 'lstm',
        score: 1,
        threshold: 0.5,
        topFeatures: [],
        triggeringEvents: [],
        supportBreak: broken,
      },
    };
    expect(Command.parse(command).evidence!.supportBreak).toEqual(broken);
    const bad = { ...command, evidence: { ...command.evidence, supportBreak: { ...broken, broken: false } } };
    expect(Command.safeParse(bad).error!.issues[0]!.path).toEqual(['evidence', 'supportBreak', 'broken']);
  });

  it('appears in the exported JSON Schema of scores and commands', () => {
    const score = z.toJSONSchema(messageSchemas['score']!, { io: 'input' }) as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(Object.keys(score.properties['supportBreak']!.properties!)).toEqual(Object.keys(ok));
    expect(JSON.stringify(z.toJSONSchema(messageSchemas['command']!, { io: 'input' }))).toContain(
      'supportBreak',
    );
  });
});
