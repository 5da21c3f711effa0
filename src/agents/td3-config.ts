/**
 * TD3 configuration: one interface, named frozen presets (each with its
 * source), validation in one place. Names follow Stable-Baselines3 in camelCase.
 *
 * Noise magnitudes (`actionNoise.sigma`, `targetPolicyNoise`, `targetNoiseClip`)
 * are in normalised action units, fractions of the action bound h, as in
 * Fujimoto et al. (whose MuJoCo actions are mostly in [−1, 1]) and their code
 * (`max_action * expl_noise`, `policy_noise * max_action`). On Pendulum-v1
 * (h = 2) σ = 0.1 is a torque noise of standard deviation 0.2.
 */
import { type ActionNoiseConfig, type Check, checks, resolve } from './config-check.js';

export interface TD3Config {
  /** Actor hidden layer widths (ReLU); the output is tanh × action bound. */
  readonly actorLayers: readonly number[];
  /** Critic hidden layer widths (ReLU); state and action are concatenated at the input (Fujimoto et al., App. C); a linear 1-unit output follows. */
  readonly criticLayers: readonly number[];
  /** Actor Adam learning rate. */
  readonly actorLr: number;
  /** Critics' Adam learning rate (each critic has its own Adam; Adam is per-parameter, so this equals one Adam over both). */
  readonly criticLr: number;
  /** Adam ε, added to √v̂ (PyTorch's form; every source of these presets is a PyTorch code base). */
  readonly adamEps: number;
  /** Discount γ. */
  readonly gamma: number;
  /** Target update rate τ: θ′ ← τθ + (1 − τ)θ′. */
  readonly tau: number;
  /** Minibatch size N. */
  readonly batchSize: number;
  /** Replay buffer capacity (transitions). */
  readonly bufferSize: number;
  /** Environment steps with uniform random actions before the policy acts and updates start. */
  readonly learningStarts: number;
  /** Update every `trainFreq` environment steps. */
  readonly trainFreq: number;
  /** Gradient steps (critic updates) per update. */
  readonly gradientSteps: number;
  /** Exploration noise ε in a = clip(μ(s) + h·ε, −h, h); σ as a fraction of the action bound h. */
  readonly actionNoise: ActionNoiseConfig;
  /** Noise scale multiplier reached at the end of `noiseDecaySteps` (linear decay from 1). 1 = no decay. */
  readonly noiseFinalScale: number;
  /** Environment steps over which the noise scale decays linearly to noiseFinalScale. */
  readonly noiseDecaySteps: number;
  /** Reset the noise process at every episode start (matters for OU noise only; SB3 resets on done). */
  readonly noiseResetOnEpisode: boolean;
  /** Target policy smoothing σ̃ (fraction of h): ã = clip(μ′(s′) + clip(h·N(0, σ̃²), −h·c, h·c), −h, h). */
  readonly targetPolicyNoise: number;
  /** Target policy smoothing clip c (fraction of h). */
  readonly targetNoiseClip: number;
  /** Delayed policy updates: the actor and all targets move every `policyDelay` critic updates (d). */
  readonly policyDelay: number;
  /** Seed of every generator of the run (integer in [0, 2^53 − 1]). */
  readonly seed: number;
}

export type TD3PresetName = 'rltools' | 'paper' | 'zoo';

/**
 * RLtools' TD3 on Pendulum-v1 (the configuration of the issue's side-by-side
 * benchmark): 64-64 ReLU actor and critics, batch 100, Adam 1e-3, γ 0.99,
 * τ 0.005, 100 uniform random warm-up steps, exploration N(0, 0.1), target
 * noise 0.2 clipped at 0.5, actor every 2nd critic step. Fields it does not
 * pin (buffer, Adam ε) follow the paper preset. The default preset.
 */
const rltools: TD3Config = Object.freeze({
  actorLayers: Object.freeze([64, 64]),
  criticLayers: Object.freeze([64, 64]),
  actorLr: 1e-3,
  criticLr: 1e-3,
  adamEps: 1e-8,
  gamma: 0.99,
  tau: 0.005,
  batchSize: 100,
  bufferSize: 1_000_000,
  learningStarts: 100,
  trainFreq: 1,
  gradientSteps: 1,
  actionNoise: Object.freeze({ type: 'gaussian', sigma: 0.1 }),
  noiseFinalScale: 1,
  noiseDecaySteps: 1,
  noiseResetOnEpisode: true,
  targetPolicyNoise: 0.2,
  targetNoiseClip: 0.5,
  policyDelay: 2,
  seed: 0,
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

const c = checks('TD3');

/** Field → check; the single place where a TD3 config is validated. */
const SCHEMA: Record<keyof TD3Config, Check> = {
  actorLayers: c.widths(0),
  criticLayers: c.widths(0),
  actorLr: c.num(0, 1, true, false),
  criticLr: c.num(0, 1, true, false),
  adamEps: c.num(0, 1, true, false),
  gamma: c.num(0, 1, false, false),
  tau: c.num(0, 1, true, false),
  batchSize: c.int(1, 65536),
  bufferSize: c.int(1, 100_000_000),
  learningStarts: c.int(0, Number.MAX_SAFE_INTEGER),
  trainFreq: c.int(1, 1_000_000),
  gradientSteps: c.int(0, 1_000_000),
  actionNoise: c.noise,
  noiseFinalScale: c.num(0, 1e6, false, false),
  noiseDecaySteps: c.int(1, Number.MAX_SAFE_INTEGER),
  noiseResetOnEpisode: c.oneOf(true, false),
  targetPolicyNoise: c.num(0, 1e6, false, false),
  targetNoiseClip: c.num(0, 1e6, false, false),
  policyDelay: c.int(1, 1_000_000),
  seed: c.int(0, Number.MAX_SAFE_INTEGER),
};

export const TD3_CONFIG_FIELDS = Object.keys(SCHEMA) as (keyof TD3Config)[];

/** Options accepted by `new TD3(env, options)`: a preset (default 'rltools') plus overrides. */
export type TD3Options = Partial<TD3Config> & { readonly preset?: TD3PresetName };

/** Resolves preset + overrides into a frozen, validated config (throws naming the field). */
export function resolveTD3Config(options: TD3Options = {}): TD3Config {
  return resolve('TD3', TD3_PRESETS, 'rltools', SCHEMA, options);
}
