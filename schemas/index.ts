import type { z } from 'zod';
import { Ack } from './ack.ts';
import { Alert } from './alert.ts';
import { Command } from './command.ts';
import { Config } from './config.ts';
import { DeadLetter } from './deadLetter.ts';
import { InputEvent } from './event.ts';
import { FeatureVector } from './feature.ts';
import { BookUpdate, OrderEvent, ReferencePrice, Ticker, Trade } from './market.ts';
import { AddressLabel, Transfer } from './onchain.ts';
import { Score } from './score.ts';

export * from './common.ts';
export * from './market.ts';
export * from './onchain.ts';
export * from './event.ts';
export * from './feature.ts';
export * from './score.ts';
export * from './alert.ts';
export * from './command.ts';
export * from './ack.ts';
export * from './deadLetter.ts';
export * from './config.ts';

/** Every message family, by the file name its JSON Schema is written to. */
export const messageSchemas: Readonly<Record<string, z.ZodType>> = {
  'input-event': InputEvent,
  order: OrderEvent,
  trade: Trade,
  book: BookUpdate,
  ticker: Ticker,
  'reference-price': ReferencePrice,
  transfer: Transfer,
  'address-label': AddressLabel,
  'feature-vector': FeatureVector,
  score: Score,
  alert: Alert,
  command: Command,
  ack: Ack,
  'dead-letter': DeadLetter,
  config: Config,
};
