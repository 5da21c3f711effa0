// Everything the package exports except init/initSync, which each entry point
// (index.ts: inlined bytes; workerd.ts: imported .wasm module) defines itself.
export * from './kernels/index.js';
export * as dmath from './kernels/math.js';
export { Rng, type RngState } from './rng.js';
export * from './envs/index.js';
export { ReplayBuffer, type ReplayBatch } from './rl/buffer.js';
export { GaussianNoise, linearDecay, OrnsteinUhlenbeckNoise, type ActionNoise, type GaussianOptions, type NoiseState, type OrnsteinUhlenbeckOptions } from './rl/noise.js';
export * from './nn/index.js';
export { DDPG, ddpgNetworks, actionBound, type ActOptions } from './agents/ddpg.js';
export { DDPG_PRESETS, resolveConfig, CONFIG_FIELDS, type DDPGConfig, type DDPGOptions, type PresetName, type ActionNoiseConfig } from './agents/config.js';
export { TD3, td3Networks } from './agents/td3.js';
export { TD3_PRESETS, resolveTD3Config, TD3_CONFIG_FIELDS, type TD3Config, type TD3Options, type TD3PresetName } from './agents/td3-config.js';
export { SAC, sacNetworks, LOG_STD_MIN, LOG_STD_MAX } from './agents/sac.js';
export { SAC_PRESETS, resolveSACConfig, SAC_CONFIG_FIELDS, type SACConfig, type SACOptions, type SACPresetName } from './agents/sac-config.js';
export { type LearnOptions, type EpisodeRecord, type EvalRecord, type StepRecord, type UpdateStats, EVAL_SEED_OFFSET, evalSeed } from './agents/loop.js';
export { type SaveKind } from './agents/checkpoint.js';
export { Policy } from './policy/policy.js';
export { VERSION } from './version.js';
