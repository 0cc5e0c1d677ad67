import { decodeFloat32, type LstmManifest } from './manifest.ts';

/** The trained network in flat typed arrays, shared read-only by every key's cell. */
export interface LstmWeights {
  /** Inputs (= outputs: the next vector is predicted). */
  readonly d: number;
  readonly hidden: number;
  /**
   * Gate pre-activation rows, [4H][d + H]: row k holds column k of the tfjs kernel then of the
   * recurrent kernel, so each gate is one dot product with [x; h]. Gate blocks i, f, c, o.
   */
  readonly gates: Float64Array;
  readonly bias: Float64Array;
  /** Dense read-out rows, [d][H]. */
  readonly readout: Float64Array;
  readonly readoutBias: Float64Array;
  readonly hardSigmoid: boolean;
}

/** Transposes the model file's tfjs-layout weights into the cell's row-per-output layout. */
export function weightsOf(m: LstmManifest): LstmWeights {
  const d = m.features.length;
  const H = m.hyper.hidden;
  const G = 4 * H;
  const N = d + H;
  const kernel = decodeFloat32(m.weights.kernel.float32Base64);
  const recurrent = decodeFloat32(m.weights.recurrentKernel.float32Base64);
  const dense = decodeFloat32(m.weights.denseKernel.float32Base64);
  const gates = new Float64Array(G * N);
  for (let k = 0; k < G; k++) {
    for (let i = 0; i < d; i++) gates[k * N + i] = kernel[i * G + k]!;
    for (let j = 0; j < H; j++) gates[k * N + d + j] = recurrent[j * G + k]!;
  }
  const readout = new Float64Array(d * H);
  for (let o = 0; o < d; o++) for (let j = 0; j < H; j++) readout[o * H + j] = dense[j * d + o]!;
  return {
    d,
    hidden: H,
    gates,
    bias: Float64Array.from(decodeFloat32(m.weights.bias.float32Base64)),
    readout,
    readoutBias: Float64Array.from(decodeFloat32(m.weights.denseBias.float32Base64)),
    hardSigmoid: m.hyper.recurrentActivation === 'hardSigmoid',
  };
}

/**
 * One key's LSTM state and the step that advances it: the tfjs LSTM cell (gates i, f, c, o; tanh
 * activation; sigmoid or tfjs's hardSigmoid = clip(0.2x + 0.5, 0, 1) on the gates) followed by the
 * dense read-out, in plain loops over pre-allocated Float64Arrays: a step allocates nothing.
 */
export class LstmCell {
  /** The hidden state, a view of the last H slots of the step's input vector [x; h]. */
  readonly h: Float64Array;
  readonly c: Float64Array;
  /** The read-out after the last step: the predicted next (standardised) vector. */
  readonly out: Float64Array;
  private readonly v: Float64Array;
  private readonly g: Float64Array;

  constructor(readonly w: LstmWeights) {
    this.v = new Float64Array(w.d + w.hidden);
    this.h = this.v.subarray(w.d);
    this.c = new Float64Array(w.hidden);
    this.g = new Float64Array(4 * w.hidden);
    this.out = new Float64Array(w.d);
    this.readout();
  }

  reset(): void {
    this.h.fill(0);
    this.c.fill(0);
    this.readout();
  }

  /** Sets the state (a checkpoint's h and c) and recomputes the read-out. */
  restore(h: ArrayLike<number>, c: ArrayLike<number>): void {
    this.h.set(h);
    this.c.set(c);
    this.readout();
  }

  /** Advances the state by one input vector `x` (length d, already standardised) and updates `out`. */
  step(x: ArrayLike<number>): void {
    const { d, hidden: H, gates, bias, hardSigmoid } = this.w;
    const N = d + H;
    const G = 4 * H;
    const v = this.v;
    const g = this.g;
    const c = this.c;
    for (let i = 0; i < d; i++) v[i] = x[i]!;
    // Four gate rows at a time: each v[i] is loaded once for four dot products (2-3x faster in V8
    // than one row at a time). G = 4H is always a multiple of 4.
    for (let k = 0; k < G; k += 4) {
      let s0 = bias[k]!;
      let s1 = bias[k + 1]!;
      let s2 = bias[k + 2]!;
      let s3 = bias[k + 3]!;
      const o0 = k * N;
      const o1 = o0 + N;
      const o2 = o1 + N;
      const o3 = o2 + N;
      for (let i = 0; i < N; i++) {
        const vi = v[i]!;
        s0 += gates[o0 + i]! * vi;
        s1 += gates[o1 + i]! * vi;
        s2 += gates[o2 + i]! * vi;
        s3 += gates[o3 + i]! * vi;
      }
      g[k] = s0;
      g[k + 1] = s1;
      g[k + 2] = s2;
      g[k + 3] = s3;
    }
    for (let j = 0; j < H; j++) {
      let gi = g[j]!;
      let gf = g[H + j]!;
      let go = g[3 * H + j]!;
      if (hardSigmoid) {
        gi = Math.min(1, Math.max(0, 0.2 * gi + 0.5));
        gf = Math.min(1, Math.max(0, 0.2 * gf + 0.5));
        go = Math.min(1, Math.max(0, 0.2 * go + 0.5));
      } else {
        gi = 1 / (1 + Math.exp(-gi));
        gf = 1 / (1 + Math.exp(-gf));
        go = 1 / (1 + Math.exp(-go));
      }
      const cj = gf * c[j]! + gi * Math.tanh(g[2 * H + j]!);
      c[j] = cj;
      v[d + j] = go * Math.tanh(cj);
    }
    this.readout();
  }

  private readout(): void {
    const { d, hidden: H, readout, readoutBias } = this.w;
    const h = this.h;
    for (let o = 0; o < d; o++) {
      let s = readoutBias[o]!;
      const off = o * H;
      for (let j = 0; j < H; j++) s += readout[off + j]! * h[j]!;
      this.out[o] = s;
    }
  }
}
