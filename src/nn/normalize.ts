/**
 * Observation normalization as both its users apply it, bit for bit: the
 * NormalizeEnv wrapper while training and evaluating, and Policy.act on a
 * loaded file. Mean and std are float32 (as the file stores them), the
 * arithmetic is exact IEEE (−, /), so every engine gives the same bits.
 */

/** x[at + i] ← clip((x[at + i] − mean[i]) / std[i], −clip, clip) for every i of mean. @internal */
export function normalizeObs(x: Float32Array, at: number, mean: Float32Array, std: Float32Array, clip: number): void {
  for (let i = 0; i < mean.length; i++) {
    const v = (x[at + i]! - mean[i]!) / std[i]!;
    x[at + i] = v < -clip ? -clip : v > clip ? clip : v;
  }
}
