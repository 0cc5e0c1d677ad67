import type { Feature } from './feature.ts';
import { bookImbalance } from './orderflow/bookImbalance.ts';
import { bookImbalanceTop5 } from './orderflow/bookImbalanceTop5.ts';
import { cancelRate } from './orderflow/cancelRate.ts';
import { cancelToTrade } from './orderflow/cancelToTrade.ts';
import { depthDepletion } from './orderflow/depthDepletion.ts';
import { largeTradeShare } from './orderflow/largeTradeShare.ts';
import { midReturn } from './orderflow/midReturn.ts';
import { orderArrivalRate } from './orderflow/orderArrivalRate.ts';
import { orderDistance } from './orderflow/orderDistance.ts';
import { orderFlowImbalance } from './orderflow/orderFlowImbalance.ts';
import { orderToTrade } from './orderflow/orderToTrade.ts';
import { quoteStuffing } from './orderflow/quoteStuffing.ts';
import { quotedSpread } from './orderflow/quotedSpread.ts';
import { realizedVolatility } from './orderflow/realizedVolatility.ts';
import { rushOrders } from './orderflow/rushOrders.ts';
import { spreadVolatility } from './orderflow/spreadVolatility.ts';
import { takerImbalance } from './orderflow/takerImbalance.ts';
import { tradeIntensity } from './orderflow/tradeIntensity.ts';
import { tradeSizeDispersion } from './orderflow/tradeSizeDispersion.ts';
import { tradeSizeMax } from './orderflow/tradeSizeMax.ts';
import { tradeSizeMean } from './orderflow/tradeSizeMean.ts';
import { vwapDeviation } from './orderflow/vwapDeviation.ts';
import { washTradeShare } from './orderflow/washTradeShare.ts';
import { basis } from './crossAsset/basis.ts';
import { correlationBreak } from './crossAsset/correlationBreak.ts';
import type { CrossFeature } from './crossAsset/crossFeature.ts';
import { leadLag } from './crossAsset/leadLag.ts';
import { priceDislocation } from './crossAsset/priceDislocation.ts';
import { correlation1m, correlation5m } from './crossAsset/rollingCorrelation.ts';
import { signComovement } from './crossAsset/signComovement.ts';
import { AmlContext } from './onchain/amlContext.ts';
import { createOnchainFeatures } from './onchain/onchainFeatures.ts';

export type { Feature, FeatureState, FeatureFamily, MarketInput, SharedFeatureState } from './feature.ts';
export { OrderBook, type BookView } from './book/orderBook.ts';
export type { CrossFeature, CrossInput, PairKind } from './crossAsset/crossFeature.ts';
export { PairTracker, type Pair, type Leg, type PairTrackerOptions } from './crossAsset/pairTracker.ts';
export { CrossAssetStage, type CrossFrame } from './crossAsset/crossAssetStage.ts';
export { assetOf } from './crossAsset/assetOf.ts';
export { AmlContext } from './onchain/amlContext.ts';
export { AddressRiskBook, type RiskLists } from './onchain/addressRiskBook.ts';
export { TransferGraph, type TransferGraphOptions } from './onchain/transferGraph.ts';
export {
  loadRiskLists,
  riskListSourcesIn,
  watchRiskLists,
  type RiskListSources,
} from './onchain/riskListLoader.ts';
export { createOnchainFeatures } from './onchain/onchainFeatures.ts';
export { KeyStore } from './keyStore.ts';

/** Per venue-symbol features of the order flow and the book, in catalogue order. */
export const orderFlowFeatures: readonly Feature[] = [
  tradeIntensity,
  orderArrivalRate,
  cancelRate,
  cancelToTrade,
  orderToTrade,
  quoteStuffing,
  takerImbalance,
  bookImbalance,
  bookImbalanceTop5,
  orderFlowImbalance,
  quotedSpread,
  spreadVolatility,
  midReturn,
  realizedVolatility,
  vwapDeviation,
  tradeSizeMean,
  tradeSizeDispersion,
  tradeSizeMax,
  largeTradeShare,
  rushOrders,
  depthDepletion,
  orderDistance,
  washTradeShare,
] as readonly Feature[];

/**
 * The process's shared on-chain state: load the lists into `defaultAmlContext.book` at start-up
 * (`book.replace((await loadRiskLists(riskListSourcesIn(dir))).lists)`), refresh with
 * `watchRiskLists`; call `defaultAmlContext.reset()` before an isolated replay. A pipeline that
 * wants its own uses `firstStageFeatures(new AmlContext(book))`.
 */
export const defaultAmlContext = new AmlContext();

/** Per address features (transfers and labels), bound to `defaultAmlContext`. */
export const addressFeatures: readonly Feature[] = createOnchainFeatures(defaultAmlContext);

/** Every first-stage feature (per venue-symbol and per address) for a given on-chain context. */
export function firstStageFeatures(ctx: AmlContext = defaultAmlContext): readonly Feature[] {
  return [
    ...orderFlowFeatures,
    ...(ctx === defaultAmlContext ? addressFeatures : createOnchainFeatures(ctx)),
  ];
}

/**
 * The per venue-symbol features (the order flow). Address features are in `addressFeatures`;
 * `firstStageFeatures()` gives both, for a pipeline that keys transfers by address.
 */
export const marketFeatures: readonly Feature[] = orderFlowFeatures;

/** Second-stage features per pair of venue-symbols, fed by `PairTracker` / `CrossAssetStage`. */
export const crossAssetFeatures: readonly CrossFeature[] = [
  correlation1m,
  correlation5m,
  correlationBreak,
  signComovement,
  leadLag,
  basis,
  priceDislocation,
] as readonly CrossFeature[];

/** Every feature of the catalogue, by family: order flow, cross-asset, on-chain. */
export const allFeatures: readonly (Feature | CrossFeature)[] = [
  ...orderFlowFeatures,
  ...crossAssetFeatures,
  ...addressFeatures,
];
