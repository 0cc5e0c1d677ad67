import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InputEvent } from '../../../schemas/event.ts';
import { decode, newDecodeStats } from '../../../pipelines/decode.ts';
import type { RawMessage } from '../../../pipelines/envelope.ts';
import type { DeadLetter } from '../../../schemas/deadLetter.ts';
import { formatFor, FORMAT_NAMES } from '../../../pipelines/formats/index.ts';
import { validEvents } from '../../support/samples.ts';

const raw = (bytes: string, seq = 1): RawMessage => ({
  seq,
  bytes,
  origin: { file: 'test', line: seq },
  arrivalMs: 0,
});

async function decodeAll(format: string, lines: string[]) {
  const letters: DeadLetter[] = [];
  const stats = newDecodeStats();
  const events = await lastValueFrom(
    from(lines.map((l, i) => raw(l, i + 1))).pipe(
      decode(formatFor(format, `/data/spot/btcusdt_20240808.gz`), (d) => letters.push(d), stats),
      toArray(),
    ),
  );
  return { events, letters, stats };
}

describe('schemas - input events', () => {
  it.each(Object.entries(validEvents))(
    'accepts a valid %s event and stamps schemaVersion',
    (_type, sample) => {
      const parsed = InputEvent.parse(sample);
      expect(parsed.schemaVersion).toBe(1);
      expect(parsed.type).toBe(sample['type']);
    },
  );

  it('lower-cases addresses so lists and transfers compare equal', () => {
    const t = InputEvent.parse(validEvents.transfer);
    expect(t.type === 'transfer' && t.from).toBe('0x098b716b8aaf21512996dc57eb0615e2383e2f96');
  });

  it.each([
    ['negative price', { ...validEvents.order, price: -1 }, 'price'],
    ['unknown side', { ...validEvents.order, side: 'long' }, 'side'],
    ['crossed ticker', { ...validEvents.ticker, askPrice: 1 }, 'askPrice'],
    ['zero trade quantity', { ...validEvents.trade, quantity: 0 }, 'quantity'],
    ['missing event time', { ...validEvents.trade, eventTime: undefined }, 'eventTime'],
    ['future schema version', { ...validEvents.trade, schemaVersion: 2 }, 'schemaVersion'],
    ['unknown type', { ...validEvents.trade, type: 'swap' }, 'type'],
  ])('rejects %s, naming the field', (_name, sample, field) => {
    const r = InputEvent.safeParse(sample);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).join(' ')).toContain(field);
  });
});

describe('decode - dead letters', () => {
  it('dead-letters invalid events with the zod issues and the original bytes, and goes on', async () => {
    const bad = JSON.stringify({ ...validEvents.order, price: 'cheap' });
    const { events, letters, stats } = await decodeAll('events-jsonl', [
      JSON.stringify(validEvents.trade),
      bad,
      '{not json',
      JSON.stringify(validEvents.order),
    ]);
    expect(events.map((e) => e.event.type)).toEqual(['trade', 'order']);
    expect(letters).toHaveLength(2);
    expect(letters[0]!.issues.join()).toContain('price');
    expect(Buffer.from(letters[0]!.rawBase64, 'base64').toString()).toBe(bad);
    expect(letters[0]!.origin).toEqual({ file: 'test', line: 2 });
    expect(letters[1]!.reason).toContain('unparseable');
    expect(stats).toEqual({ messages: 4, events: 2, skipped: 0, deadLetters: 2 });
  });

  it.each(FORMAT_NAMES)(
    '%s: thousands of fuzzed garbage lines never crash and are all accounted for',
    async (format) => {
      const garbage = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json({ maxDepth: 3 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => `1723161254087891268 ${JSON.stringify(v)}`),
        fc
          .record({
            stream: fc.constantFrom('btcusdt@trade', 'btcusdt@depth@0ms', 'btcusdt@bookTicker', 'x'),
            data: fc.dictionary(
              fc.constantFrom('p', 'q', 'T', 'E', 'b', 'a', 'u', 'm', 's', 'B', 'A'),
              fc.jsonValue({ maxDepth: 2 }),
            ),
          })
          .map((v) => `1723161254087891268 ${JSON.stringify(v)}`),
        fc
          .record(
            Object.fromEntries(Object.keys(validEvents.trade).map((k) => [k, fc.jsonValue({ maxDepth: 1 })])),
          )
          .map((v) => JSON.stringify(v)),
        fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 9 }).map((f) => f.join(',')),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(garbage, { minLength: 1, maxLength: 50 }), async (lines) => {
          const { events, letters, stats } = await decodeAll(format, lines);
          expect(stats.messages).toBe(lines.length);
          expect(stats.events + stats.skipped + stats.deadLetters).toBe(lines.length);
          expect(events.length).toBe(stats.events);
          expect(letters.length).toBe(stats.deadLetters);
          for (const e of events) expect(InputEvent.safeParse(e.event).success).toBe(true);
        }),
        { numRuns: 100, seed: 42 },
      );
    },
  );
});
