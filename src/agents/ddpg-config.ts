/**
 * DDPG configuration: the shared off-policy and exploration fields
 * (config.ts) plus DDPG's own, and named frozen presets, each with its source.
 */
import { type ExplorationConfig, EXPLORATION_SCHEMA, num, OFF_POLICY_SCHEMA, type OffPolicyConfig, oneOf, resolve, type Schema, widths } from './config.js';

export interface DDPGConfig extends OffPolicyConfig, ExplorationConfig {
  /** Critic: layers on the state alone before the concatenation (ReLU). */
  readonly criticStateLayers: readonly number[];
  /** Critic: layers on the action alone before the concatenation (ReLU); [] = raw action. */
  readonly criticActionLayers: readonly number[];
  /**
   * 'keras': Glorot-uniform weights, zero biases, actor output kernel U(±3e-3)
   * (the notebook). 'paper': U(±1/√fanIn) for hidden weights and biases, output
   * layers U(±3e-3) (Lillicrap et al. §7).
   */
  readonly init: 'keras' | 'paper';
  /** Where ε enters Adam: 'keras' (θ −= α_t·m/(√v + ε)) or 'pytorch' (θ −= α·m̂/(√v̂ + ε)). */
  readonly adamEpsMode: 'keras' | 'pytorch';
  /** L2 weight decay on the critic (paper: 1e-2). */
  readonly criticWeightDecay: number;
}

export type PresetName = 'keras' | 'paper';

/**
 * The notebook (keras-io examples/rl/ddpg_pendulum.py): actor 256-256, critic
 * state 16-32 / action 32 / concat 256-256-1, Adam lr 1e-3 / 2e-3 (Keras ε 1e-7),
 * γ 0.99, τ 0.005, batch 64, Buffer(50000, 64), OU σ 0.2 θ 0.15 dt 1e-2 never
 * reset, an update from the very first step, sampling with replacement. The
 * notebook's σ = 0.2 is in torque units; on Pendulum's bound h = 2 that is
 * σ = 0.1 of h (config.ts: noise magnitudes are fractions of h).
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
  actionNoise: Object.freeze({ type: 'ou', sigma: 0.1, theta: 0.15, dt: 1e-2 }),
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
 * Ba's Algorithm 1 (ε 1e-8 on √v̂). No batch normalisation (docs/ALGORITHMS.md, "Deviations from the paper").
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
  // §7 gives θ and σ = 0.2 only; dt = 1 is the plain discretisation x ← x + θ(μ − x) + σ·N(0, 1).
  // The preset has always applied σ = 0.2 in Pendulum's torque units: 0.1 of h = 2.
  actionNoise: Object.freeze({ type: 'ou', sigma: 0.1, theta: 0.15, dt: 1 }),
  noiseResetOnEpisode: true,
} as const);

export const DDPG_PRESETS: Readonly<Record<PresetName, DDPGConfig>> = Object.freeze({ keras, paper });

/** Field → check; resolveConfig validates with it. @internal */
export const DDPG_SCHEMA: Schema<DDPGConfig> = {
  ...OFF_POLICY_SCHEMA,
  ...EXPLORATION_SCHEMA,
  criticStateLayers: widths(0),
  criticActionLayers: widths(0),
  init: oneOf('keras', 'paper'),
  adamEpsMode: oneOf('keras', 'pytorch'),
  criticWeightDecay: num(0, 1, false, false),
};

export const CONFIG_FIELDS = Object.keys(DDPG_SCHEMA) as (keyof DDPGConfig)[];

/** Options accepted by `new DDPG(env, options)`: a preset plus overrides. */
export type DDPGOptions = Partial<DDPGConfig> & { readonly preset?: PresetName };

/** Resolves preset + overrides into a frozen, validated config (throws naming the field). */
export function resolveConfig(options: DDPGOptions = {}): DDPGConfig {
  return resolve('DDPG', DDPG_PRESETS, 'keras', DDPG_SCHEMA, options);
}
