import type { Feature } from './feature.ts';
import { cancelToTrade } from './orderflow/cancelToTrade.ts';
import { midReturn } from './orderflow/midReturn.ts';
import { orderArrivalRate } from './orderflow/orderArrivalRate.ts';
import { realizedVolatility } from './orderflow/realizedVolatility.ts';
import { tradeIntensity } from './orderflow/tradeIntensity.ts';

export type { Feature, FeatureState, FeatureFamily, MarketInput } from './feature.ts';
export { OrderBook, type BookView } from './book/orderBook.ts';

/** Every first-stage (per venue-symbol or per address) feature, in catalogue order. */
export const marketFeatures: readonly Feature[] = [
  tradeIntensity,
  orderArrivalRate,
  cancelToTrade,
  midReturn,
  realizedVolatility,
] as readonly Feature[];
