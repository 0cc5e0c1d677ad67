import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ReferenceEngine } from '../../../engine/referenceEngine.ts';
import { heartbeats } from '../../../pipelines/heartbeats.ts';
import { Command } from '../../../schemas/command.ts';

const scheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

describe('heartbeats - virtual time', () => {
  it('one at once, then one per interval, with rising sequences and stable ids', () => {
    scheduler().run(({ expectObservable }) => {
      const hb = heartbeats({ pipelineId: 'p1', intervalMs: 1000, ttlMs: 3000 }).pipe(take(4));
      expectObservable(hb.pipe(map((c) => `${c.sequence}@${c.issuedAt}`))).toBe(
        'a 999ms b 999ms c 999ms (d|)',
        {
          a: '0@0',
          b: '1@1000',
          c: '2@2000',
          d: '3@3000',
        },
      );
    });
    let ids: string[] = [];
    scheduler().run(({ expectObservable }) => {
      const hb = heartbeats({ pipelineId: 'p1', intervalMs: 1000, ttlMs: 3000 }).pipe(take(2));
      hb.subscribe((c) => {
        expect(Command.parse(c)).toMatchObject({
          action: 'HEARTBEAT',
          scope: { key: 'heartbeat:p1' },
          expiresAt: c.issuedAt + 3000,
        });
        ids.push(c.commandId);
      });
      expectObservable(hb.pipe(map(() => 'x'))).toBe('x 999ms (x|)');
    });
    const first = ids;
    ids = [];
    scheduler().run(() =>
      heartbeats({ pipelineId: 'p1', intervalMs: 1000, ttlMs: 3000 })
        .pipe(take(2))
        .subscribe((c) => ids.push(c.commandId)),
    );
    expect(ids).toEqual(first.slice(0, 2));
  });

  it('keeps the engine out of safe mode while it runs; the engine trips once they stop', () => {
    const ts = scheduler();
    ts.run(({ flush }) => {
      const engine = new ReferenceEngine('e', () => ts.now(), {
        deadMan: { timeoutMs: 3000, safeMode: 'HALT' },
      });
      const trips: number[] = [];
      heartbeats({ pipelineId: 'p1', intervalMs: 1000, ttlMs: 3000, scheduler: ts })
        .pipe(take(10))
        .subscribe((c) => engine.apply(c));
      // The engine's watchdog, on the same virtual clock.
      for (let t = 0; t <= 20_000; t += 250)
        ts.schedule(() => void (engine.tick() && trips.push(ts.now())), t);
      flush();
      // Last heartbeat at 9000: safe mode at 12000, not before.
      expect(trips).toEqual([12_000]);
    });
  });
});
