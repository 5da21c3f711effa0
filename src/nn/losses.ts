/**
 * Losses on small batches (64 rows), written in TypeScript over float32 views
 * (a network's `output.f32`, the batch staging): the arithmetic is IEEE
 * double, exact on every engine, and each stored gradient rounds once to
 * float32. Every function reads and writes the first `n` rows.
 */

/**
 * Mean squared error L = (1/N)·Σ (pred − target)², and its gradient
 * ∂L/∂pred = (2/N)·(pred − target) written to `grad` (may alias `pred`).
 * Returns L (double). N = n rows.
 */
export function mse(n: number, pred: Float32Array, target: Float32Array, grad: Float32Array): number {
  const k = 2 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - target[i]!;
    sum += d * d;
    grad[i] = k * d;
  }
  return sum / n;
}

/**
 * Half the mean squared error, J = ½·(1/N)·Σ (pred − target)² (SAC's J_Q),
 * with ∂J/∂pred = (pred − target)/N written to `grad` (may alias `pred`).
 */
export function halfMse(n: number, pred: Float32Array, target: Float32Array, grad: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - target[i]!;
    sum += d * d;
    grad[i] = d / n;
  }
  return sum / (2 * n);
}

/**
 * The actor objective L = −(1/N)·Σ Q(s_i, μ(s_i)) (gradient ascent on Q), whose
 * gradient with respect to each Q_i is the seed −1/N, written to `grad`.
 * Returns L.
 */
export function negMeanQ(n: number, q: Float32Array, grad: Float32Array): number {
  const seed = -1 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += q[i]!;
    grad[i] = seed;
  }
  return -sum / n;
}
