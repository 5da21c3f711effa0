/**
 * DDPG configuration: one interface, named frozen presets, validation in one
 * place. Names follow Stable-Baselines3 in camelCase.
 */
import { type Check, checks, resolve } from './config-check.js';

/** Exploration noise added to the actor's action during training. */
export type ActionNoiseConfig =
  | {
      readonly type: 'ou';
      /** σ, in action units. */
      readonly sigma: number;
      /** θ, mean reversion rate. */
      readonly theta: number;
      /** Time step of the discretisation (the notebook's class default is 1e-2). */
      readonly dt: number;
    }
  | { readonly type: 'gaussian'; /** σ, in action units. */ readonly sigma: number }
  | { readonly type: 'none' };

export interface DDPGConfig {
  /** Actor hidden layer widths (ReLU); the output is tanh × action bound. */
  readonly actorLayers: readonly number[];
  /** Critic: layers on the state alone before the concatenation (ReLU). */
  readonly criticStateLayers: readonly number[];
  /** Critic: layers on the action alone before the concatenation (ReLU); [] = raw action. */
  readonly criticActionLayers: readonly number[];
  /** Critic: layers after the concatenation (ReLU); a linear 1-unit output follows. */
  readonly criticLayers: readonly number[];
  /**
   * 'keras': Glorot-uniform weights, zero biases, actor output kernel U(±3e-3)
   * (the notebook). 'paper': U(±1/√fanIn) for hidden weights and biases, output
   * layers U(±3e-3) (Lillicrap et al. §7).
   */
  readonly init: 'keras' | 'paper';
  /** Actor Adam learning rate. */
  readonly actorLr: number;
  /** Critic Adam learning rate. */
  readonly criticLr: number;
  /** Adam ε (Keras 1e-7, PyTorch and Kingma & Ba 1e-8). */
  readonly adamEps: number;
  /** Where ε enters Adam: 'keras' (θ −= α_t·m/(√v + ε)) or 'pytorch' (θ −= α·m̂/(√v̂ + ε)). */
  readonly adamEpsMode: 'keras' | 'pytorch';
  /** L2 weight decay on the critic (paper: 1e-2). */
  readonly criticWeightDecay: number;
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
  /** Gradient steps per update. */
  readonly gradientSteps: number;
  readonly actionNoise: ActionNoiseConfig;
  /** Noise scale multiplier reached at the end of `noiseDecaySteps` (linear decay from 1). 1 = no decay. */
  readonly noiseFinalScale: number;
  /** Environment steps over which the noise scale decays linearly to noiseFinalScale. */
  readonly noiseDecaySteps: number;
  /** Reset the noise process at every episode start (the paper does; the notebook never does). */
  readonly noiseResetOnEpisode: boolean;
  /** Seed of every generator of the run (integer in [0, 2^53 − 1]). */
  readonly seed: number;
}

export type PresetName = 'keras' | 'paper';

/**
 * The notebook (keras-io examples/rl/ddpg_pendulum.py): actor 256-256, critic
 * state 16-32 / action 32 / concat 256-256-1, Adam lr 1e-3 / 2e-3 (Keras ε 1e-7),
 * γ 0.99, τ 0.005, batch 64, Buffer(50000, 64), OU σ 0.2 θ 0.15 dt 1e-2 never
 * reset, an update from the very first step, sampling with replacement.
 */
const keras: DDPGConfig = Object.freeze({
  actorLayers: Object.freeze([256, 256]),
  criticStateLayers: Object.freeze([16, 32]),
  criticActionLayers: Object.freeze([32]),
  criticLayers: Object.freeze([256, 256]),
  init: 'keras',
  actorLr: 1e-3,
  criticLr: 2e-3,
  adamEps: 1e-7,
  adamEpsMode: 'keras',
  criticWeightDecay: 0,
  gamma: 0.99,
  tau: 0.005,
  batchSize: 64,
  bufferSize: 50_000,
  learningStarts: 0,
  trainFreq: 1,
  gradientSteps: 1,
  actionNoise: Object.freeze({ type: 'ou', sigma: 0.2, theta: 0.15, dt: 1e-2 }),
  noiseFinalScale: 1,
  noiseDecaySteps: 1,
  noiseResetOnEpisode: false,
  seed: 0,
} as const);

/**
 * Lillicrap et al. 2015 (arXiv:1509.02971), §7 "Experiment details": 400-300
 * ReLU layers, actions enter the critic at its second layer, Adam lr 1e-4 (actor)
 * and 1e-3 (critic), critic L2 1e-2, γ 0.99, τ 1e-3, minibatch 64, buffer 1e6,
 * final layers U(±3e-3), others U(±1/√f), OU θ 0.15 σ 0.2 (dt 1), reset every
 * episode (Alg. 1 line 5). Adam as in Kingma &
 * Ba's Algorithm 1 (ε 1e-8 on √v̂). No batch normalisation (see README).
 */
const paper: DDPGConfig = Object.freeze({
  ...keras,
  actorLayers: Object.freeze([400, 300]),
  criticStateLayers: Object.freeze([400]),
  criticActionLayers: Object.freeze([]),
  criticLayers: Object.freeze([300]),
  init: 'paper',
  actorLr: 1e-4,
  criticLr: 1e-3,
  adamEps: 1e-8,
  adamEpsMode: 'pytorch',
  criticWeightDecay: 1e-2,
  tau: 1e-3,
  bufferSize: 1_000_000,
  // §7 gives θ and σ only; dt = 1 is the plain discretisation x ← x + θ(μ − x) + σ·N(0, 1).
  actionNoise: Object.freeze({ type: 'ou', sigma: 0.2, theta: 0.15, dt: 1 }),
  noiseResetOnEpisode: true,
} as const);

export const DDPG_PRESETS: Readonly<Record<PresetName, DDPGConfig>> = Object.freeze({ keras, paper });

const { num, int, widths, oneOf, noise: checkNoise } = checks('DDPG');

/** Field → check; the single place where a config is validated. */
const SCHEMA: Record<keyof DDPGConfig, Check> = {
  actorLayers: widths(0),
  criticStateLayers: widths(0),
  criticActionLayers: widths(0),
  criticLayers: widths(0),
  init: oneOf('keras', 'paper'),
  actorLr: num(0, 1, true, false),
  criticLr: num(0, 1, true, false),
  adamEps: num(0, 1, true, false),
  adamEpsMode: oneOf('keras', 'pytorch'),
  criticWeightDecay: num(0, 1, false, false),
  gamma: num(0, 1, false, false),
  tau: num(0, 1, true, false),
  batchSize: int(1, 65536),
  bufferSize: int(1, 100_000_000),
  learningStarts: int(0, Number.MAX_SAFE_INTEGER),
  trainFreq: int(1, 1_000_000),
  gradientSteps: int(0, 1_000_000),
  actionNoise: checkNoise,
  noiseFinalScale: num(0, 1e6, false, false),
  noiseDecaySteps: int(1, Number.MAX_SAFE_INTEGER),
  noiseResetOnEpisode: oneOf(true, false),
  seed: int(0, Number.MAX_SAFE_INTEGER),
};

export const CONFIG_FIELDS = Object.keys(SCHEMA) as (keyof DDPGConfig)[];

/** Options accepted by `new DDPG(env, options)`: a preset plus overrides. */
export type DDPGOptions = Partial<DDPGConfig> & { readonly preset?: PresetName };

/** Resolves preset + overrides into a frozen, validated config (throws naming the field). */
export function resolveConfig(options: DDPGOptions = {}): DDPGConfig {
  return resolve('DDPG', DDPG_PRESETS, 'keras', SCHEMA, options);
}
