/**
 * ddpg-wasm/normalize: the main entry plus NormalizeEnv, Stable-Baselines3's
 * VecNormalize for one environment (src/envs/normalize.ts). Its own entry so
 * that `ddpg-wasm` does not ship the wrapper; agents find it by its methods
 * (envs/env.ts, `normalizing`).
 */
export * from './index.js';
export { NormalizeEnv, type NormalizeOptions, type NormalizeState } from './envs/normalize.js';
