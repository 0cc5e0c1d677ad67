import { fileURLToPath } from 'node:url';
import { TailCalibrator, tailCalibrator, type TailCalibratorParams } from '../calibration.ts';
import type { RestorableSlot } from '../ensemble.ts';
import { normalCdf } from '../stats/normalCdf.ts';
import { LstmDetector, type LstmParams } from './lstmDetector.ts';
import { loadLstmModel } from './model.ts';

/** The committed default model (see docs/detectors.md for the command that reproduces it). */
export const DEFAULT_LSTM_MODEL = fileURLToPath(new URL('../../models/lstm-default.json', import.meta.url));

/**
 * The LSTM's calibration: the key's own score history, with horizon 10 000, so a calibrated 0.99
 * is a raw score that ordinary data of that key exceeds about once per million frames and 0.9
 * about once per 100 000 (see TailCalibratorParams.horizon).
 */
export const lstmCalibration: Partial<TailCalibratorParams> = { horizon: 10_000 };

export interface LstmSlotOptions {
  readonly params?: Partial<LstmParams>;
  readonly calibration?: Partial<TailCalibratorParams>;
  readonly explainAbove?: number;
}

/**
 * The LSTM as a pipeline slot: the model file is read and validated now (DataError if unusable),
 * then every venue-symbol key gets its own detector state and its own calibrator over the shared
 * weights. Both survive checkpoints (`restore`, `restoreCalibrator`).
 */
export function lstmSlot(modelPath: string = DEFAULT_LSTM_MODEL, o: LstmSlotOptions = {}): RestorableSlot {
  const model = loadLstmModel(modelPath);
  return {
    name: 'lstm',
    keyKind: 'venue-symbol',
    perKey: true,
    create: () => new LstmDetector(model, o.params),
    createCalibrator: tailCalibrator({ ...lstmCalibration, ...o.calibration }),
    // Only for a pipeline without per-key calibrators: the raw score is in running deviations.
    calibrate: (raw) => (raw <= 0 ? 0 : normalCdf(raw - 3)),
    explainAbove: o.explainAbove ?? 0.5,
    restore: (json) => LstmDetector.restore(model, json),
    restoreCalibrator: (json) => TailCalibrator.fromJSON(json),
  };
}
