/**
 * Losses on small batches (64 rows), written in TypeScript: the arithmetic is
 * IEEE double, exact on every engine, and each stored gradient rounds once to
 * float32. Inputs and outputs are byte offsets into the network's memory.
 */

/**
 * Mean squared error L = (1/N)·Σ (pred − target)², and its gradient
 * ∂L/∂pred = (2/N)·(pred − target) written to `grad` (may alias `pred`).
 * Returns L (double). N = n rows.
 */
export function mse(h: Float32Array, n: number, pred: number, target: number, grad: number): number {
  const P = pred >> 2, T = target >> 2, G = grad >> 2;
  const k = 2 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = h[P + i]! - h[T + i]!;
    sum += d * d;
    h[G + i] = k * d;
  }
  return sum / n;
}

/**
 * The actor objective L = −(1/N)·Σ Q(s_i, μ(s_i)) (gradient ascent on Q), whose
 * gradient with respect to each Q_i is the seed −1/N, written to `grad`.
 * Returns L.
 */
export function negMeanQ(h: Float32Array, n: number, q: number, grad: number): number {
  const Q = q >> 2, G = grad >> 2;
  const seed = -1 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += h[Q + i]!;
    h[G + i] = seed;
  }
  return -sum / n;
}
