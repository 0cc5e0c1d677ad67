import { z } from 'zod';
import { BookUpdate, OrderEvent, ReferencePrice, Ticker, Trade } from './market.ts';
import { AddressLabel, Transfer } from './onchain.ts';

/** Every input event flowguard accepts, discriminated by `type`. */
export const InputEvent = z.discriminatedUnion('type', [
  OrderEvent,
  Trade,
  BookUpdate,
  Ticker,
  ReferencePrice,
  Transfer,
  AddressLabel,
]);
export type InputEvent = z.infer<typeof InputEvent>;
export type EventType = InputEvent['type'];
export const EVENT_TYPES = ['order', 'trade', 'book', 'ticker', 'price', 'transfer', 'label'] as const;
