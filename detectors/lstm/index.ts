// The LSTM detector's runtime surface. Training and the tfjs comparisons (train.ts, frames.ts,
// benchStep.ts, tfModel.ts) are imported directly by the train command, so that running the
// detector never loads tfjs.
export { LstmCell, weightsOf, type LstmWeights } from './cell.ts';
export { firstPassageBelow } from './firstPassage.ts';
export {
  LstmDetector,
  lstmDefaults,
  lstmDetector,
  type LstmParams,
  type SupportBreakEstimate,
} from './lstmDetector.ts';
export { LSTM_FORMAT_VERSION, LstmManifest, loadManifest, parseManifest } from './manifest.ts';
export { loadLstmModel, lstmModel, type LstmModel } from './model.ts';
export { DEFAULT_LSTM_MODEL, lstmCalibration, lstmSlot, type LstmSlotOptions } from './slot.ts';
export { SupportLevel } from './supportLevel.ts';
