import { describe, expect, it } from 'vitest';
import type { CrossInput } from '../../../features/crossAsset/crossFeature.ts';
import { SignWindow, signComovement } from '../../../features/crossAsset/signComovement.ts';

/** Pair samples on the 500 ms grid from per-step moves of each leg (+1 up, -1 down, 0 unchanged). */
function samples(moves: readonly (readonly [number, number])[]): CrossInput[] {
  let a = 100;
  let b = 50;
  const out: CrossInput[] = [{ key: 'pair:x|y', kind: 'cross-asset', eventTime: 0, a, b }];
  moves.forEach(([da, db], i) => {
    a *= 1 + da * 1e-4;
    b *= 1 + db * 1e-4;
    out.push({ key: 'pair:x|y', kind: 'cross-asset', eventTime: 500 * (i + 1), a, b });
  });
  return out;
}

function valueAfter(
  moves: readonly (readonly [number, number])[],
  windowSamples: number,
): number | undefined {
  const st = signComovement.create({ windowSamples });
  for (const x of samples(moves)) st.update(x);
  return st.value();
}

describe('sign_comovement - the sign test of two legs moving together', () => {
  it('is +sqrt(n) when every step moves both legs the same way and -sqrt(n) when opposite', () => {
    const same = Array.from({ length: 9 }, (_, i) => [i % 2 ? 1 : -1, i % 2 ? 3 : -2] as const);
    expect(valueAfter(same, 9)).toBeCloseTo(3, 12);
    const opposite = same.map(([a, b]) => [a, -b] as const);
    expect(valueAfter(opposite, 9)).toBeCloseTo(-3, 12);
  });

  it('counts only steps in which both legs moved, and ignores the size of a move', () => {
    // Two same-direction steps (one of them huge), one opposite, three with a leg at rest: (2 - 1) / sqrt(3).
    const moves = [
      [1, 1],
      [50, 40],
      [1, -1],
      [1, 0],
      [0, -1],
      [0, 0],
    ] as const;
    expect(valueAfter(moves, 6)).toBeCloseTo(1 / Math.sqrt(3), 12);
  });

  it('says nothing before the window is full or when no step moved both legs', () => {
    expect(valueAfter([[1, 1]], 2)).toBeUndefined();
    expect(
      valueAfter(
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
        3,
      ),
    ).toBeUndefined();
  });

  it('forgets steps older than the window', () => {
    const moves = [
      ...Array.from({ length: 5 }, () => [1, -1] as const),
      ...Array.from({ length: 4 }, () => [1, 1] as const),
    ];
    expect(valueAfter(moves, 4)).toBeCloseTo(2, 12);
  });
});

describe('SignWindow', () => {
  it('keeps exact sums while sliding and round-trips through JSON, oldest first', () => {
    const w = new SignWindow(3);
    for (const s of [1, -1, 0, 1, 1] as const) w.add(s);
    expect(w.toJSON()).toEqual([0, 1, 1]);
    expect([w.net, w.moved, w.full]).toEqual([2, 2, true]);
    const r = SignWindow.fromJSON(JSON.parse(JSON.stringify(w.toJSON())), 3);
    r.add(-1);
    expect(r.toJSON()).toEqual([1, 1, -1]);
    expect([r.net, r.moved]).toEqual([1, 3]);
  });
});
