/**
 * The small batch operations of the agents' update() steps, over float32
 * views of the batch staging and the networks' outputs. The arithmetic is
 * IEEE double, exact on every engine, rounded once to float32 where stored;
 * every function reads and writes the first `n` rows.
 */

/**
 * The bootstrapped target y_i = r_i + γ·(1 − done_i)·v_i, with v the value of the
 * next state (masked by `terminated` only: a truncation still bootstraps).
 * `y` may alias `v`.
 */
export function tdTarget(n: number, y: Float32Array, r: Float32Array, done: Float32Array, v: Float32Array, gamma: number): void {
  for (let i = 0; i < n; i++) y[i] = r[i]! + gamma * (1 - done[i]!) * v[i]!;
}

/** out_i = min(a_i, b_i) (exact; `out` may alias either input). */
export function minimum(n: number, a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const x = a[i]!, z = b[i]!;
    out[i] = x < z ? x : z;
  }
}

/** (1/n)·Σ x_i, summed in double in index order. */
export function mean(n: number, x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}
