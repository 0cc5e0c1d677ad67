/**
 * Complementary error function, Chebyshev fit of Numerical Recipes' `erfcc`: relative error below
 * 1.2e-7 everywhere, which keeps tail probabilities meaningful far out (z around 8) where 1 - erf
 * would round to zero.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided-by-symmetry tail probability of a normal distribution: P(X >= |x - mean| + mean). */
export function normalTailProbability(x: number, mean: number, std: number): number {
  const z = Math.abs(x - mean) / std;
  return 0.5 * erfc(z / Math.SQRT2);
}
