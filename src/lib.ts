// Everything the package exports except init/initSync, which each entry point
// (index.ts: inlined bytes; workerd.ts: imported .wasm module) defines itself.
export * from './kernels/index.js';
export * as dmath from './kernels/math.js';
export { Rng, type RngState } from './rng.js';
export * from './envs/index.js';
export { ReplayBuffer, type ReplayBatch } from './rl/buffer.js';
export { GaussianNoise, linearDecay, OrnsteinUhlenbeckNoise, type ActionNoise, type GaussianOptions, type NoiseState, type OrnsteinUhlenbeckOptions } from './rl/noise.js';
