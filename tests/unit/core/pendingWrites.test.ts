import { describe, expect, it } from 'vitest';
import { PendingWrites } from '../../../core/pendingWrites.ts';

/** A promise settled from outside. */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const state = async (p: Promise<void>) =>
  Promise.race([
    p.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((r) => setTimeout(() => r('pending'), 20)),
  ]);

describe('PendingWrites.settleThrough', () => {
  it('waits for the writes tracked up to its mark, not for those tracked after', async () => {
    const pending = new PendingWrites();
    const before = deferred();
    void pending.track(before.promise);
    const mark = pending.mark;
    const after = deferred();
    void pending.track(after.promise);
    const settled = pending.settleThrough(0, mark);
    expect(await state(settled)).toBe('pending');
    before.resolve();
    // `after` is still in flight (continuous flow): the settle is over all the same.
    expect(await state(settled)).toBe('resolved');
    expect(pending.size).toBe(1);
    after.resolve();
  });

  it('rejects for a failure in its range, in every range holding it until forgotten, and not outside it', async () => {
    const pending = new PendingWrites();
    void pending.track(Promise.resolve());
    const first = pending.mark;
    const failing = deferred();
    void pending.track(failing.promise).catch(() => undefined);
    const second = pending.mark;
    failing.reject(new Error('broker refused'));
    await expect(pending.settleThrough(0, second)).rejects.toThrow('broker refused');
    // Not used up: another range holding it (another partition's checkpoint) fails too.
    await expect(pending.settleThrough(first, second)).rejects.toThrow('broker refused');
    // Ranges before or after it do not.
    await expect(pending.settleThrough(0, first)).resolves.toBeUndefined();
    await expect(pending.settleThrough(second, second)).resolves.toBeUndefined();
    pending.forget(second);
    await expect(pending.settleThrough(0, second)).resolves.toBeUndefined();
    // settle() still reports it once, as before.
    await expect(pending.settle()).rejects.toThrow('broker refused');
    await expect(pending.settle()).resolves.toBeUndefined();
  });

  it('settledThrough is the mark before the oldest write still in flight', async () => {
    const pending = new PendingWrites();
    void pending.track(Promise.resolve());
    await Promise.resolve();
    await Promise.resolve();
    expect(pending.settledThrough).toBe(1);
    const slow = deferred();
    void pending.track(slow.promise);
    void pending.track(Promise.resolve());
    await new Promise((r) => setTimeout(r, 0));
    expect(pending.settledThrough).toBe(1);
    slow.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(pending.settledThrough).toBe(3);
  });
});
