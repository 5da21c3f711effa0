/**
 * The configuration every off-policy agent shares, declared, documented and
 * checked once. Each algorithm's config (ddpg-config.ts, td3-config.ts,
 * sac-config.ts) is `OffPolicyConfig` (plus `ExplorationConfig` for the agents
 * that explore with action noise) and its own fields, with its presets. Names
 * follow Stable-Baselines3 in camelCase.
 *
 * Units: every noise magnitude (`actionNoise.sigma`, TD3's target smoothing) is
 * a fraction of the action bound h, as in SB3 (whose policies act in [−1, 1])
 * and Fujimoto et al.'s code (`max_action * expl_noise`). On Pendulum-v1
 * (h = 2), σ = 0.1 is a torque noise of standard deviation 0.2.
 *
 * Every check throws a RangeError naming the algorithm, the field, the value
 * and the allowed range; `resolve` is the single place a config is validated.
 */
import type { ActionNoiseConfig } from '../rl/noise.js';
import { showValue } from '../show.js';

/** The fields DDPG, TD3 and SAC share. */
export interface OffPolicyConfig {
  /**
   * Actor hidden layer widths (ReLU). The output layer is the algorithm's:
   * tanh × h for DDPG and TD3, a linear [μ | log σ] for SAC.
   */
  readonly actorLayers: readonly number[];
  /**
   * Critic hidden layer widths (ReLU) once state and action are joined (TD3 and
   * SAC join them at the input; DDPG after its criticStateLayers and
   * criticActionLayers); a linear 1-unit output follows.
   */
  readonly criticLayers: readonly number[];
  /** Actor (policy) Adam learning rate: a number, or RL Zoo's `"lin_X"` (X falling linearly to 0 over scheduleSteps). */
  readonly actorLr: LearningRate;
  /** Critic Adam learning rate (each critic has its own Adam, which equals one Adam over all of them); a number or `"lin_X"`. */
  readonly criticLr: LearningRate;
  /** Adam ε (Keras 1e-7; PyTorch and Kingma & Ba 1e-8). */
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
  /** Gradient steps (update() calls) per update. */
  readonly gradientSteps: number;
  /** Seed of every generator of the run (integer in [0, 2^53 − 1]). */
  readonly seed: number;
  /** Environment steps over which a `"lin_X"` learning rate falls from X to 0 (RL Zoo: the run's length). Needed with one; absent by default. */
  readonly scheduleSteps?: number;
}

/** A constant learning rate, or RL Zoo's linear schedule `"lin_X"`: X·(1 − min(1, steps/scheduleSteps)), updated before each update. */
export type LearningRate = number | `lin_${number}`;

/** A rate's initial value: the number itself, X of a "lin_X" rate, NaN for anything else. @internal */
export const linStart = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.startsWith('lin_') ? Number(v.slice(4)) : NaN);

/** Exploration by action noise, a = clip(μ(s) + scale·h·𝒩, −h, h) (DDPG, TD3; SAC samples its policy instead). */
export interface ExplorationConfig {
  /** The noise process 𝒩; σ as a fraction of the action bound h. `{ type: 'none' }` explores with μ(s) alone. */
  readonly actionNoise: ActionNoiseConfig;
  /** Noise scale multiplier reached at the end of `noiseDecaySteps` (linear decay from 1). 1 = no decay. */
  readonly noiseFinalScale: number;
  /** Environment steps over which the noise scale decays linearly to noiseFinalScale. */
  readonly noiseDecaySteps: number;
  /** Reset the noise process at every episode start (matters for OU noise only; the paper and SB3 do, the notebook never does). */
  readonly noiseResetOnEpisode: boolean;
}

/**
 * RLtools' Pendulum-v1 setup (the side-by-side benchmark of TD3 and SAC, whose
 * `rltools` presets start from it): 64-64 ReLU actor and critics, Adam 1e-3
 * for both, γ 0.99, τ 0.005, batch 100, 100 uniform random warm-up steps, one
 * update per environment step. Fields RLtools does not pin (buffer 10⁶, Adam
 * ε 1e-8) follow Fujimoto et al.'s and Haarnoja et al.'s PyTorch code. @internal
 */
export const RLTOOLS_PENDULUM: OffPolicyConfig = Object.freeze({
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
  seed: 0,
} as const);

/** Checks one field's value; `algo` prefixes the error. `range` is the text the error names (the CLI's `config` lists it). @internal */
export type Check = ((v: unknown, field: string, algo: string) => void) & { readonly range: string };

/** Field → check for a whole config. @internal */
export type Schema<C> = { readonly [K in keyof C]-?: Check };

/** @internal */
export function fail(algo: string, field: string, v: unknown, range: string): never {
  throw new RangeError(`${algo} config: ${field} must be ${range}, got ${showValue(v)}`);
}

/** A check of `range`: `ok` tests the value (and may check parts of it itself). @internal */
export const check = (range: string, ok: (v: unknown, f: string, algo: string) => unknown): Check =>
  Object.assign((v: unknown, f: string, algo: string) => { if (!ok(v, f, algo)) fail(algo, f, v, range); }, { range });

/** A finite number in a range, each end open or closed. @internal */
export const num = (lo: number, hi: number, loOpen: boolean, hiOpen: boolean): Check =>
  check(`a finite number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`,
    (v) => typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi));

/** An integer in [lo, hi]. @internal */
export const int = (lo: number, hi: number): Check =>
  check(`an integer in [${lo}, ${hi}]`, (v) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi);

/** An array of at least `minLen` (at most 16) layer widths. @internal */
export const widths = (minLen: number): Check => check(`an array of ${minLen}–16 layer widths`, (v, f, algo) => {
  if (!Array.isArray(v) || v.length < minLen || v.length > 16) return false;
  v.forEach((w, i) => int(1, 65536)(w, `${f}[${i}]`, algo));
  return true;
});

/** One of the listed values. @internal */
export const oneOf = (...xs: readonly unknown[]): Check => check(`one of ${xs.map((x) => JSON.stringify(x)).join(', ')}`, (v) => xs.includes(v));

/** A learning rate, τ or ε: (0, 1]. */
const rate = num(0, 1, true, false);
/** A learning rate: a number in (0, 1], or "lin_X" with X in (0, 1]. @internal */
export const learningRate: Check = check('a number in (0, 1] or "lin_X", X in (0, 1]', (v) => linStart(v) > 0 && linStart(v) <= 1);
const steps = int(0, Number.MAX_SAFE_INTEGER);
/** Noise magnitudes: bounded so that every sample stays finite in float32 (rl/noise.ts uses the same 1e6). @internal */
export const magnitude = num(0, 1e6, false, false);

/** The members each kind of noise config has; anything else is a typo to refuse. */
const NOISE_MEMBERS: Readonly<Record<ActionNoiseConfig['type'], readonly string[]>> = { ou: ['type', 'sigma', 'theta', 'dt'], gaussian: ['type', 'sigma'], none: ['type'] };

const actionNoise: Check = check("an object { type: 'ou' | 'gaussian' | 'none', … }", (v, f, algo) => {
  const n = v as { type?: unknown; sigma?: unknown; theta?: unknown; dt?: unknown } | null;
  if (typeof n !== 'object' || n === null) return false;
  oneOf('ou', 'gaussian', 'none')(n.type, `${f}.type`, algo);
  const known = NOISE_MEMBERS[n.type as ActionNoiseConfig['type']];
  const extra = Object.keys(n).find((k) => !known.includes(k));
  if (extra !== undefined) fail(algo, `${f}.${extra}`, (n as Record<string, unknown>)[extra], `absent: ${JSON.stringify(n.type)} noise has only ${known.join(', ')}`);
  if (n.type === 'none') return true;
  magnitude(n.sigma, `${f}.sigma`, algo);
  if (n.type === 'ou') {
    magnitude(n.theta, `${f}.theta`, algo);
    num(0, 1e6, true, false)(n.dt, `${f}.dt`, algo);
    // x ← x + θ·dt·(μ − x) + …: beyond θ·dt = 2 each step amplifies x, up to NaN.
    num(0, 2, false, false)((n.theta as number) * (n.dt as number), `${f}.theta·dt`, algo);
  }
  return true;
});

/** The checks of OffPolicyConfig's fields. @internal */
export const OFF_POLICY_SCHEMA: Schema<OffPolicyConfig> = {
  actorLayers: widths(0),
  criticLayers: widths(0),
  actorLr: learningRate,
  criticLr: learningRate,
  adamEps: rate,
  gamma: num(0, 1, false, false),
  tau: rate,
  batchSize: int(1, 65536),
  bufferSize: int(1, 100_000_000),
  learningStarts: steps,
  trainFreq: int(1, 1_000_000),
  gradientSteps: int(0, 1_000_000),
  seed: steps,
  scheduleSteps: check('absent or an integer ≥ 1', (v) => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 1)),
};

/** The checks of ExplorationConfig's fields. @internal */
export const EXPLORATION_SCHEMA: Schema<ExplorationConfig> = {
  actionNoise,
  noiseFinalScale: magnitude,
  noiseDecaySteps: int(1, Number.MAX_SAFE_INTEGER),
  noiseResetOnEpisode: oneOf(true, false),
};

/**
 * Preset + overrides → a frozen, validated config. Unknown fields and unknown
 * presets are refused by name; fields are checked in schema order.
 *
 * @internal
 */
export function resolve<C extends object, P extends string>(
  algo: string, presets: Readonly<Record<P, C>>, defaultPreset: P, schema: Schema<C>,
  options: Partial<C> & { readonly preset?: P },
): C {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${algo} options must be an object, got ${showValue(options)}`);
  const { preset = defaultPreset, ...overrides } = options;
  const names = Object.keys(presets);
  if (!names.includes(preset)) fail(algo, 'preset', preset, `one of ${names.map((x) => JSON.stringify(x)).join(', ')}`);
  const fields = Object.keys(schema) as (keyof C)[];
  for (const k of Object.keys(overrides)) {
    // Own properties only: "toString" or "__proto__" are not config fields.
    if (!Object.hasOwn(schema, k)) throw new RangeError(`${algo} config: unknown field ${JSON.stringify(k)} (known: ${fields.join(', ')})`);
  }
  const merged = { ...presets[preset], ...overrides } as C;
  for (const k of fields) schema[k](merged[k], String(k), algo);
  return Object.freeze(merged);
}
