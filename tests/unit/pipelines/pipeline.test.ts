import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defaultDetectorSlots } from '../../../detectors/index.ts';
import { marketFeatures } from '../../../features/index.ts';
import { eventsJsonl } from '../../../pipelines/formats/eventsJsonl.ts';
import { pipeline } from '../../../pipelines/pipeline.ts';
import { Config } from '../../../schemas/config.ts';
import type { DeadLetter } from '../../../schemas/deadLetter.ts';
import { eventSource } from '../../../simulator/eventSource.ts';
import { simulateMarket } from '../../../simulator/marketSimulator.ts';
import { Observable } from 'rxjs';
import type { RawMessage } from '../../../pipelines/envelope.ts';

const config = Config.parse({});
const pump = {
  kind: 'pump',
  venue: 'venue-a',
  symbol: 'SOLUSDT',
  startMs: 60_000,
  durationMs: 20_000,
  rise: 0.03,
  intensity: 12,
} as const;
const run = (source: Observable<RawMessage>, letters: DeadLetter[] = []) =>
  lastValueFrom(
    source.pipe(
      pipeline({
        format: eventsJsonl,
        deadLetters: (d) => letters.push(d),
        features: marketFeatures,
        detectors: defaultDetectorSlots(),
        policy: config.policy,
      }),
      toArray(),
    ),
  );

describe('pipeline - stages in order', () => {
  it('every decision carries a scored frame of a decoded event, in source order', async () => {
    const events = [...simulateMarket({ seed: 3 }, 5_000)];
    const decisions = await run(eventSource(events));
    expect(decisions).toHaveLength(events.length);
    const seqs = decisions.map((d) => d.scored.frame.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const d = decisions.at(-1)!;
    expect(d.scored.frame.eventId).toBe(events.at(-1)!.eventId);
    expect(d.scored.frame.names).toEqual(marketFeatures.map((f) => f.name));
    expect(d.scored.scores.map((s) => s.detector)).toEqual(['pump-rule']);
  });

  it('an invalid message is dead-lettered before keying and never reaches features or policy', async () => {
    const good = [...simulateMarket({ seed: 3 }, 1_000)];
    const source = new Observable<RawMessage>((s) => {
      let seq = 0;
      for (const e of good.slice(0, 10))
        s.next({ seq: ++seq, bytes: JSON.stringify(e), origin: {}, arrivalMs: 0 });
      s.next({
        seq: ++seq,
        bytes: '{"type":"trade","price":-5}',
        origin: { topic: 't', partition: 0, offset: '11' },
        arrivalMs: 0,
      });
      for (const e of good.slice(10, 20))
        s.next({ seq: ++seq, bytes: JSON.stringify(e), origin: {}, arrivalMs: 0 });
      s.complete();
    });
    const letters: DeadLetter[] = [];
    const decisions = await run(source, letters);
    expect(decisions).toHaveLength(20);
    expect(decisions.some((d) => d.scored.frame.seq === 11)).toBe(false);
    expect(letters.map((l) => l.origin)).toEqual([{ topic: 't', partition: 0, offset: '11' }]);
  });

  it('catches the injected pump with throttle before halt, and only on its key', async () => {
    const decisions = await run(eventSource(simulateMarket({ seed: 1, manipulations: [pump] }, 150_000)));
    const commands = decisions.flatMap((d) => d.commands);
    expect(new Set(commands.map((c) => c.scope.key))).toEqual(new Set(['vs:venue-a:SOLUSDT']));
    const actions = commands.map((c) => c.action);
    expect(actions.indexOf('THROTTLE')).toBeLessThan(actions.indexOf('HALT'));
    expect(actions.at(-1)).toBe('RESUME');
    const halt = commands.find((c) => c.action === 'HALT')!;
    const start = decisions[0]!.scored.frame.eventTime + pump.startMs;
    expect(halt.eventTime).toBeGreaterThanOrEqual(start);
    expect(halt.eventTime - start).toBeLessThan(10_000);
    expect(halt.evidence!.topFeatures.map((f) => f.feature).sort()).toEqual([
      'mid_return',
      'trade_intensity',
    ]);
    expect(halt.evidence!.score).toBeGreaterThanOrEqual(config.policy.haltAt);
  });
});
