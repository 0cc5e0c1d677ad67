import type { BookView } from './orderBook.ts';

/** Total quantity of the best `levels` levels of one side (fewer when the book is shallower). */
export function depthSum(book: BookView, side: 'bid' | 'ask', levels: number): number {
  const n = Math.min(levels, side === 'bid' ? book.bidLevels : book.askLevels);
  let s = 0;
  for (let i = 0; i < n; i++) s += side === 'bid' ? book.bidQty(i) : book.askQty(i);
  return s;
}

/** Quoted spread in basis points of the mid; NaN when a side is empty. */
export function spreadBps(book: BookView): number {
  const b = book.bidPrice(0);
  const a = book.askPrice(0);
  return ((a - b) / ((a + b) / 2)) * 1e4;
}
