import { describe, expect, it } from 'vitest';
import { KeyStore } from '../../../features/keyStore.ts';

describe('keyStore - bounded per-key state', () => {
  it('drops keys idle for longer than idleMs of event time', () => {
    const dropped: string[] = [];
    const s = new KeyStore<number>(1_000, Infinity, (k) => dropped.push(k));
    s.get('a', 0, () => 1);
    s.get('b', 500, () => 2);
    s.get('a', 900, () => 3);
    expect(s.get('c', 1_600, () => 4)).toBe(4); // b last seen at 500: idle for 1 100 ms
    expect(dropped).toEqual(['b']);
    expect([...s.keys()]).toEqual(['a', 'c']);
    expect(s.peek('a')).toBe(1);
  });

  it('keeps at most maxKeys, dropping the least recently seen', () => {
    const s = new KeyStore<number>(1e9, 2);
    for (const [i, k] of ['a', 'b', 'a', 'c', 'd'].entries()) s.get(k, i, () => i);
    expect([...s.keys()]).toEqual(['c', 'd']);
    expect(s.evicted).toBe(2);
  });

  it('a late event does not make a key look newer than it is', () => {
    const s = new KeyStore<number>(100, Infinity);
    s.get('a', 1_000, () => 1);
    s.get('b', 1_050, () => 2);
    s.get('a', 900, () => 0); // late: a stays last seen at 1 000
    s.get('c', 1_101, () => 3);
    expect([...s.keys()]).toEqual(['b', 'c']);
  });
});
