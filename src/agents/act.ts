/**
 * The steps every `act()` shares (DDPG, TD3, SAC and the inference-only Policy):
 * validating the observation and the caller's output buffer, staging the
 * observation into the actor's input block, and the notebook's exploration rule.
 */

/**
 * Checks `obs` (length obsDim, all finite) and `out` (length actDim), copies obs
 * into dst[at … at + obsDim) and returns the array the action goes to (`out`, or
 * a new one). `who` prefixes the errors, e.g. 'DDPG.act'.
 *
 * @internal
 */
export function stageObservation(who: string, obs: ArrayLike<number>, obsDim: number, dst: Float32Array, at: number,
                                 actDim: number, out: Float32Array | undefined): Float32Array {
  if (obs?.length !== obsDim) throw new RangeError(`${who}: obs must have length ${obsDim}, got ${String(obs?.length)}`);
  const res = out ?? new Float32Array(actDim);
  // Any other array would silently convert the action (a Uint8Array stores −1.19 as 255).
  if (!(res instanceof Float32Array) || res.length !== actDim) {
    throw new RangeError(`${who}: out must be a Float32Array of length ${actDim}, got ${Object.prototype.toString.call(res).slice(8, -1)} of length ${String((res as { length?: unknown }).length)}`);
  }
  for (let i = 0; i < obsDim; i++) {
    const v = obs[i]!;
    // Checked after the float32 store: beyond ±3.4e38 a finite double becomes ±Infinity.
    // A non-number (a BigInt, a symbol, a string) is refused before the store would convert or throw.
    if (typeof v === 'number') dst[at + i] = v;
    if (!Number.isFinite(v) || !Number.isFinite(dst[at + i]!)) throw new RangeError(`${who}: obs[${i}] is ${typeof v === 'number' ? v : typeof v} (must be finite in float32)`);
  }
  return res;
}

/**
 * out = μ(s), read from `mu` (the actor's output rows, the first one used), or
 * with `noise` the notebook's policy(): np.clip(μ(s) + 𝒩, −bound, bound).
 *
 * @internal
 */
export function writeAction(mu: Float32Array, out: Float32Array, noise: Float32Array | null, bound: number): Float32Array {
  if (noise === null) {
    for (let i = 0; i < out.length; i++) out[i] = mu[i]!;
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    const v = mu[i]! + noise[i]!;
    out[i] = v < -bound ? -bound : v > bound ? bound : v;
  }
  return out;
}
