import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../core/errors.ts';
import { manifestKey, slotKey, snapshotOf, type Manifest } from '../../../../pipelines/state/changelog.ts';

const counts = { messages: 0, events: 0, skipped: 0, deadLetters: 0, alerts: 0, commands: 0, controls: 0 };
const manifest = (m: Omit<Manifest, 'partition' | 'counts'>): string =>
  JSON.stringify({ partition: 0, counts, ...m });
const record = (epoch: number, state: unknown, writer?: string): string =>
  JSON.stringify(writer === undefined ? { epoch, state } : { epoch, writer, state });

/**
 * Task A checkpointed epoch 3 (offset 20) and had its epoch 4 checkpoint (offset 40) in flight when
 * the partition moved to task B. B restored epoch 3; A's last request, its record of `a` and its
 * manifest, landed after that. B's own epoch 4 checkpoint (offset 60) chose the same slots; B
 * crashed after writing its record of `b`, before its manifest.
 */
function interleaved(): Map<string, string> {
  return new Map([
    // Epoch 3, by A: manifest slot 1 (odd epoch), records in slot 0.
    [slotKey(0, 0, 'a'), record(3, 'a@20', 'wA')],
    [slotKey(0, 0, 'b'), record(3, 'b@20', 'wA')],
    [
      manifestKey(0, 1),
      manifest({ v: 2, epoch: 3, writer: 'wA', offset: 20, keys: { a: [3, 0, 'wA'], b: [3, 0, 'wA'] } }),
    ],
    // A's epoch 4 (its `b` record went in an earlier request): slot 1, manifest slot 0.
    [slotKey(0, 1, 'a'), record(4, 'a@40', 'wA')],
    [
      manifestKey(0, 0),
      manifest({ v: 2, epoch: 4, writer: 'wA', offset: 40, keys: { a: [4, 1, 'wA'], b: [4, 1, 'wA'] } }),
    ],
    // B's epoch 4, unfinished: its `b` overwrote A's.
    [slotKey(0, 1, 'b'), record(4, 'b@60', 'wB')],
  ]);
}

describe('changelog - restoring the last consistent checkpoint', () => {
  it('a manifest whose records another writer overwrote at the same epoch is passed over for the one before it', () => {
    const snap = snapshotOf(0, interleaved());
    expect(snap.manifest).toMatchObject({ epoch: 3, offset: 20 });
    expect(Object.fromEntries(snap.states)).toEqual({ a: 'a@20', b: 'b@20' });
    expect(snap.passedOver).toHaveLength(1);
    expect(snap.passedOver[0]).toMatch(
      /epoch 4 by writer wA names b at epoch 4 slot 1 by writer wA, which is at epoch 4 by writer wB; it was overwritten by another writer/,
    );
  });

  it('with no consistent checkpoint left, the mixed one is a DataError naming the other writer', () => {
    const log = interleaved();
    log.delete(manifestKey(0, 1));
    expect(() => snapshotOf(0, log)).toThrow(DataError);
    expect(() => snapshotOf(0, log)).toThrow(
      /which is at epoch 4 by writer wB; it was overwritten by another writer/,
    );
  });

  it('a record without a writer is not the one a manifest naming a writer wrote', () => {
    const log = interleaved();
    log.set(slotKey(0, 1, 'b'), record(4, 'b@60'));
    expect(snapshotOf(0, log).manifest).toMatchObject({ epoch: 3 });
  });

  it('a changelog written before writers were recorded restores by epoch alone', () => {
    const log = new Map([
      [slotKey(0, 0, 'a'), record(1, 'a@10')],
      [slotKey(0, 1, 'a'), record(2, 'a@20')],
      [slotKey(0, 0, 'b'), record(2, 'b@20')],
      [manifestKey(0), manifest({ v: 1, epoch: 2, offset: 20, keys: { a: [2, 1], b: [2, 0] } })],
    ]);
    const snap = snapshotOf(0, log);
    expect(snap.manifest).toMatchObject({ epoch: 2, offset: 20 });
    expect(Object.fromEntries(snap.states)).toEqual({ a: 'a@20', b: 'b@20' });
    expect(snap.passedOver).toEqual([]);
    // An epoch that differs is still found, and with one manifest there is nothing to fall back to.
    log.set(slotKey(0, 1, 'a'), record(3, 'a@30'));
    expect(() => snapshotOf(0, log)).toThrow(
      /names a at epoch 2 slot 1, which is at epoch 3; was the changelog written by two instances at once\?/,
    );
  });

  it('after an upgrade the newest manifest of either slot is read, entries without a writer by epoch', () => {
    const log = new Map([
      // Written before the upgrade: epoch 4 in the one manifest key there was.
      [slotKey(0, 0, 'a'), record(4, 'a@40')],
      [slotKey(0, 0, 'b'), record(4, 'b@40')],
      [manifestKey(0), manifest({ v: 1, epoch: 4, offset: 40, keys: { a: [4, 0], b: [4, 0] } })],
      // The first checkpoint after it rewrote `a` only; `b` keeps its old entry.
      [slotKey(0, 1, 'a'), record(5, 'a@50', 'wC')],
      [
        manifestKey(0, 1),
        manifest({ v: 2, epoch: 5, writer: 'wC', offset: 50, keys: { a: [5, 1, 'wC'], b: [4, 0] } }),
      ],
    ]);
    const snap = snapshotOf(0, log);
    expect(snap.manifest).toMatchObject({ epoch: 5, offset: 50 });
    expect(Object.fromEntries(snap.states)).toEqual({ a: 'a@50', b: 'b@40' });
  });

  it('an empty changelog restores nothing', () => {
    expect(snapshotOf(0, new Map())).toEqual({ manifest: undefined, states: new Map(), passedOver: [] });
  });
});
