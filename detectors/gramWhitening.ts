/**
 * The metric d(a, b) = (a - b)ᵀ (XᵀX)⁻¹ (a - b) that KNN-CAD uses, as a linear map: with
 * (XᵀX)⁻¹ = L Lᵀ, d(a, b) = |Lᵀa - Lᵀb|², so vectors are transformed once and compared with plain
 * squared Euclidean distances. Returns undefined when XᵀX is singular (a flat or degenerate set).
 */
export function gramWhitening(
  rows: readonly Float64Array[],
  dim: number,
): ((x: Float64Array) => Float64Array) | undefined {
  const gram = new Float64Array(dim * dim);
  for (const x of rows) {
    for (let i = 0; i < dim; i++) {
      const xi = x[i] as number;
      if (xi === 0) continue;
      for (let j = 0; j < dim; j++) gram[i * dim + j] = (gram[i * dim + j] as number) + xi * (x[j] as number);
    }
  }
  const inverse = invert(gram, dim);
  const l = inverse && cholesky(inverse, dim);
  if (!l) return undefined;
  return (x) => {
    const y = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let i = j; i < dim; i++) s += (l[i * dim + j] as number) * (x[i] as number);
      y[j] = s;
    }
    return y;
  };
}

/** Gauss-Jordan inverse with partial pivoting; undefined when a pivot vanishes relative to the matrix. */
function invert(a: Float64Array, n: number): Float64Array | undefined {
  const w = 2 * n;
  const m = new Float64Array(n * w);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      m[i * w + j] = a[i * n + j] as number;
      scale = Math.max(scale, Math.abs(a[i * n + j] as number));
    }
    m[i * w + n + i] = 1;
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs(m[r * w + c] as number) > Math.abs(m[p * w + c] as number)) p = r;
    const pivot = m[p * w + c] as number;
    if (!(Math.abs(pivot) > 1e-13 * scale)) return undefined;
    if (p !== c) {
      for (let j = 0; j < w; j++) {
        const t = m[c * w + j] as number;
        m[c * w + j] = m[p * w + j] as number;
        m[p * w + j] = t;
      }
    }
    for (let j = 0; j < w; j++) m[c * w + j] = (m[c * w + j] as number) / pivot;
    for (let r = 0; r < n; r++) {
      const f = m[r * w + c] as number;
      if (r === c || f === 0) continue;
      for (let j = 0; j < w; j++) m[r * w + j] = (m[r * w + j] as number) - f * (m[c * w + j] as number);
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[i * w + n + j] as number;
  return out;
}

/** Lower-triangular L with a = L Lᵀ; undefined unless a is positive definite. */
function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}
