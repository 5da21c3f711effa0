// Everything the package exports except init/initSync, which each entry point
// (index.ts: inlined bytes; workerd.ts: imported .wasm module) defines itself.
export * from './kernels/index.js';
export * as dmath from './kernels/math.js';
export { Rng, type RngState } from './rng.js';
/** Mean, IQM and stratified bootstrap CIs over seeds, steps to a threshold, ranking (rliable's methods). */
export * as stats from './stats.js';
export * from './envs/index.js';
export { ReplayBuffer, type ReplayBatch } from './rl/buffer.js';
export {
  GaussianNoise, linearDecay, OrnsteinUhlenbeckNoise, type ActionNoise, type ActionNoiseConfig, type GaussianOptions, type NoiseState,
  type OrnsteinUhlenbeckOptions,
} from './rl/noise.js';
export * from './nn/index.js';
export { actionBound } from './agents/core.js';
export type { ExplorationConfig, OffPolicyConfig } from './agents/config.js';
export type {
  ActOptions, Agent, AlgoId, EpisodeRecord, EvalRecord, LearnOptions, LoopProgress, NetInfo, SaveKind, StepRecord, UpdateStats,
} from './agents/agent.js';
export { DDPG, ddpgNetworks } from './agents/ddpg.js';
export { DDPG_PRESETS, resolveConfig, CONFIG_FIELDS, type DDPGConfig, type DDPGOptions, type PresetName } from './agents/ddpg-config.js';
export { TD3, td3Networks } from './agents/td3.js';
export { TD3_PRESETS, resolveTD3Config, TD3_CONFIG_FIELDS, type TD3Config, type TD3Options, type TD3PresetName } from './agents/td3-config.js';
export { SAC, sacNetworks, LOG_STD_MIN, LOG_STD_MAX } from './agents/sac.js';
export { SAC_PRESETS, resolveSACConfig, SAC_CONFIG_FIELDS, type SACConfig, type SACOptions, type SACPresetName } from './agents/sac-config.js';
export { EVAL_SEED_OFFSET, evalSeed } from './agents/loop.js';
export { Policy } from './policy/policy.js';
export { VERSION } from './version.js';
