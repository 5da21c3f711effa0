/**
 * TD3 configuration: the shared off-policy and exploration fields
 * (config.ts) plus TD3's own, and named frozen presets, each with its source.
 * Like every noise magnitude, `targetPolicyNoise` and `targetNoiseClip` are
 * fractions of the action bound h, as in Fujimoto et al.'s code
 * (`policy_noise * max_action`).
 */
import { type ExplorationConfig, EXPLORATION_SCHEMA, int, magnitude, OFF_POLICY_SCHEMA, type OffPolicyConfig, resolve, RLTOOLS_PENDULUM, type Schema } from './config.js';

export interface TD3Config extends OffPolicyConfig, ExplorationConfig {
  /** Target policy smoothing σ̃ (fraction of h): ã = clip(μ′(s′) + clip(h·N(0, σ̃²), −h·c, h·c), −h, h). */
  readonly targetPolicyNoise: number;
  /** Target policy smoothing clip c (fraction of h). */
  readonly targetNoiseClip: number;
  /** Delayed policy updates: the actor and all targets move every `policyDelay` critic updates (d). */
  readonly policyDelay: number;
}

export type TD3PresetName = 'rltools' | 'paper' | 'zoo';

/**
 * RLtools' TD3 on Pendulum-v1 (RLTOOLS_PENDULUM in config.ts: 64-64, batch
 * 100, Adam 1e-3, γ 0.99, τ 0.005, 100 random steps) with exploration
 * N(0, 0.1), target noise 0.2 clipped at 0.5, actor every 2nd critic step.
 * The default preset.
 */
const rltools: TD3Config = Object.freeze({
  ...RLTOOLS_PENDULUM,
  actionNoise: Object.freeze({ type: 'gaussian', sigma: 0.1 }),
  noiseFinalScale: 1,
  noiseDecaySteps: 1,
  noiseResetOnEpisode: true,
  targetPolicyNoise: 0.2,
  targetNoiseClip: 0.5,
  policyDelay: 2,
} as const);

/**
 * Fujimoto, van Hoof & Meger 2018 (arXiv:1802.09477), §6.1 and Appendix C:
 * 400-300 ReLU actor and critic (state and action enter the critic's first
 * layer), Adam 1e-3 for both, minibatch 100 from a buffer holding the whole
 * history (10^6 steps), γ 0.99, τ 0.005, exploration N(0, 0.1), target noise
 * N(0, 0.2) clipped to (−0.5, 0.5), d = 2, 1000 random steps before learning
 * (10 000 for HalfCheetah and Ant). PyTorch's default Linear init and Adam ε,
 * as the authors' code uses.
 */
const paper: TD3Config = Object.freeze({
  ...rltools,
  actorLayers: Object.freeze([400, 300]),
  criticLayers: Object.freeze([400, 300]),
  learningStarts: 1000,
} as const);

/**
 * RL Zoo (rl-baselines3-zoo hyperparams/td3.yml, Pendulum-v1; as published
 * with the sb3/td3-Pendulum-v1 model): 400-300, lr 1e-3, γ 0.98, buffer 2·10^5,
 * 10 000 random steps, N(0, 0.1), train_freq [1, "episode"] with
 * gradient_steps −1 (one gradient step per env step, all at the episode end:
 * on Pendulum's 200-step episodes that is trainFreq 200 × 200 steps). Other
 * fields are SB3's TD3 defaults (batch 100, τ 0.005, target noise 0.2 / 0.5, d 2).
 * Tuned for 20 000 steps, so it learns only in the last 10 000.
 */
const zoo: TD3Config = Object.freeze({
  ...paper,
  gamma: 0.98,
  bufferSize: 200_000,
  learningStarts: 10_000,
  trainFreq: 200,
  gradientSteps: 200,
} as const);

export const TD3_PRESETS: Readonly<Record<TD3PresetName, TD3Config>> = Object.freeze({ rltools, paper, zoo });

/** Field → check; resolveTD3Config validates with it. @internal */
export const TD3_SCHEMA: Schema<TD3Config> = {
  ...OFF_POLICY_SCHEMA,
  ...EXPLORATION_SCHEMA,
  targetPolicyNoise: magnitude,
  targetNoiseClip: magnitude,
  policyDelay: int(1, 1_000_000),
};

export const TD3_CONFIG_FIELDS = Object.keys(TD3_SCHEMA) as (keyof TD3Config)[];

/** Options accepted by `new TD3(env, options)`: a preset (default 'rltools') plus overrides. */
export type TD3Options = Partial<TD3Config> & { readonly preset?: TD3PresetName };

/** Resolves preset + overrides into a frozen, validated config (throws naming the field). */
export function resolveTD3Config(options: TD3Options = {}): TD3Config {
  return resolve('TD3', TD3_PRESETS, 'rltools', TD3_SCHEMA, options);
}
