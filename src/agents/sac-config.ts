/**
 * SAC configuration: the shared off-policy fields (config.ts) plus SAC's
 * temperature, and named frozen presets, each with its source. SAC explores
 * by sampling its own policy, so it has no action-noise fields. Adam's ε is
 * added to √v̂ (PyTorch's form, as every SAC reference implementation).
 */
import { check, type LearningRate, learningRate, num, OFF_POLICY_SCHEMA, type OffPolicyConfig, oneOf, resolve, RLTOOLS_PENDULUM, type Schema } from './config.js';

export interface SACConfig extends OffPolicyConfig {
  /** Temperature Adam learning rate λ (on log α). */
  readonly alphaLr: LearningRate;
  /** Initial temperature α₀ > 0 (the value throughout when autoAlpha is false). */
  readonly initialAlpha: number;
  /** Learn α towards the target entropy (Haarnoja et al. 2018b, §5); false keeps α = initialAlpha. */
  readonly autoAlpha: boolean;
  /** Target entropy H̄ in nats, or 'auto' for −|A| (the paper's heuristic, Table 1). */
  readonly targetEntropy: number | 'auto';
}

export type SACPresetName = 'rltools' | 'paper' | 'zoo';

/**
 * RLtools' SAC on Pendulum-v1 (RLTOOLS_PENDULUM in config.ts: 64-64, batch
 * 100, Adam 1e-3, γ 0.99, τ 0.005, 100 random steps, an update every step)
 * with α learned at rate 1e-3 from α₀ = 0.5 towards −|A|. The default preset.
 */
const rltools: SACConfig = Object.freeze({
  ...RLTOOLS_PENDULUM,
  alphaLr: 1e-3,
  initialAlpha: 0.5,
  autoAlpha: true,
  targetEntropy: 'auto',
} as const);

/**
 * Haarnoja et al. 2018b, "Soft Actor-Critic Algorithms and Applications"
 * (arXiv:1812.05905), Table 1: Adam 3·10⁻⁴ for every loss, γ 0.99, buffer 10⁶,
 * 2 hidden layers of 256 ReLU units, minibatch 256, entropy target −dim(A),
 * τ 0.005, target update interval 1, 1 gradient step per environment step.
 * The table gives no initial α and no warm-up: those (α₀ = 1, 100 random
 * steps) and the init (PyTorch's default Linear) are SB3's SAC defaults.
 */
const paper: SACConfig = Object.freeze({
  ...rltools,
  actorLayers: Object.freeze([256, 256]),
  criticLayers: Object.freeze([256, 256]),
  actorLr: 3e-4,
  criticLr: 3e-4,
  alphaLr: 3e-4,
  batchSize: 256,
  initialAlpha: 1,
} as const);

/**
 * RL Zoo (rl-baselines3-zoo hyperparams/sac.yml, Pendulum-v1): learning_rate
 * 1e-3 on top of SB3's SAC defaults (256-256, batch 256, buffer 10⁶, 100 random
 * steps, τ 0.005, γ 0.99, ent_coef 'auto' from 1.0, target entropy −|A|).
 */
const zoo: SACConfig = Object.freeze({
  ...paper,
  actorLr: 1e-3,
  criticLr: 1e-3,
  alphaLr: 1e-3,
} as const);

export const SAC_PRESETS: Readonly<Record<SACPresetName, SACConfig>> = Object.freeze({ rltools, paper, zoo });

/** Field → check; resolveSACConfig validates with it. @internal */
export const SAC_SCHEMA: Schema<SACConfig> = {
  ...OFF_POLICY_SCHEMA,
  alphaLr: learningRate,
  initialAlpha: num(0, 1e6, true, false),
  autoAlpha: oneOf(true, false),
  targetEntropy: check("'auto' or a finite number in [−1e6, 1e6]", (v) => v === 'auto' || (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e6)),
};

export const SAC_CONFIG_FIELDS = Object.keys(SAC_SCHEMA) as (keyof SACConfig)[];

/** Options accepted by `new SAC(env, options)`: a preset (default 'rltools') plus overrides. */
export type SACOptions = Partial<SACConfig> & { readonly preset?: SACPresetName };

/** Resolves preset + overrides into a frozen, validated config (throws naming the field). */
export function resolveSACConfig(options: SACOptions = {}): SACConfig {
  return resolve('SAC', SAC_PRESETS, 'rltools', SAC_SCHEMA, options);
}
