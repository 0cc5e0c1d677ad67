import { describe, expect, it } from 'vitest';
import { progress } from '../../../core/progress.ts';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 100, write: (s: string) => out.push(s) } };
}

describe('core - progress', () => {
  it('on a terminal: a bar redrawn in place, then a final line', () => {
    const { out, stream } = sink(true);
    let t = 0;
    const p = progress({ label: 'replay', total: 1000, unit: 'events', stream, now: () => t });
    for (let i = 0; i < 10; i++) {
      t += 200;
      p.tick(100);
    }
    p.done('12 alerts');
    expect(out.slice(0, -1).every((l) => l.startsWith('\r') && !l.includes('\n'))).toBe(true);
    expect(out[4]).toMatch(/^\rreplay \[#+-+\]  50% 500\/1000 events {2}500\/s {2}eta 1\.0s/);
    expect(out.at(-1)).toMatch(/^\rreplay: done, 1000\/1000 events {2}500\/s {2}2\.0s; 12 alerts\x1b\[K\n$/);
  });

  it('elsewhere: plain lines at each tenth, no escape codes', () => {
    const { out, stream } = sink(false);
    let t = 0;
    const p = progress({ label: 'train', total: 100, unit: 'epochs', stream, now: () => t });
    for (let i = 0; i < 100; i++) {
      t += 10;
      p.tick();
    }
    p.done();
    expect(out.join('')).not.toMatch(/\x1b|\r/);
    expect(out.length).toBeLessThanOrEqual(12);
    expect(out).toContain('train: 50/100 epochs  100/s  eta 0.5s (50%)\n');
    expect(out.at(-1)).toBe('train: done, 100/100 epochs  100/s  1.0s\n');
  });

  it('without a total: a count and a rate', () => {
    const { out, stream } = sink(false);
    let t = 0;
    const p = progress({ label: 'evaluate', unit: 'scenarios', stream, now: () => t, lineMs: 1000 });
    t = 500;
    p.tick(3);
    t = 2000;
    p.tick(3);
    expect(out).toEqual(['evaluate: 3 scenarios  6/s  0.5s\n', 'evaluate: 6 scenarios  3/s  2.0s\n']);
  });
});
