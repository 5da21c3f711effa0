/**
 * Exploration noise 𝒩 added to μ(s) (Lillicrap et al. 2015, Alg. 1 line 8).
 *
 * OrnsteinUhlenbeckNoise is the Keras notebook's OUActionNoise
 * (keras-io examples/rl/ddpg_pendulum.py), same update in the same float64
 * evaluation order:
 *   x ← x + θ·(μ − x)·dt + σ·√dt·N(0, 1)
 * with the notebook's defaults θ = 0.15, dt = 1e-2 (the class default; the
 * notebook constructs `OUActionNoise(mean=np.zeros(1), std_deviation=0.2*np.ones(1))`
 * and never overrides dt), σ = 0.2, μ = 0, x₀ = 0. The normals come from our
 * generator, not NumPy's, so the numbers differ while the process is the same.
 * Its stationary variance is σ²·dt / (1 − (1 − θ·dt)²) and its lag-1
 * autocorrelation 1 − θ·dt.
 *
 * GaussianNoise draws independent μ + σ·N(0, 1) per call (TD3's exploration).
 *
 * Both take the generator per call (the agent owns and saves its streams) and
 * an optional `scale` that multiplies the output, for a schedule such as
 * `linearDecay`; the OU process itself is not rescaled, so a schedule never
 * changes its state. `sample` writes float32 values into the caller's buffer.
 */
import type { Rng } from '../rng.js';
import { showValue } from '../show.js';

/** A noise process's resumable state; JSON-safe. */
export interface NoiseState {
  readonly type: 'ou' | 'gaussian';
  /** The OU process value per dimension ([] for Gaussian noise). */
  readonly x: readonly number[];
}

export interface ActionNoise {
  /** Action length the noise is built for. */
  readonly dim: number;
  /** Writes one noise vector, times `scale`, into `out` (length dim) and returns it. */
  sample(rng: Rng, out: Float32Array, scale?: number): Float32Array;
  /** Starts a new episode's process (OU: back to x₀; Gaussian: nothing). */
  reset(): void;
  getState(): NoiseState;
  setState(state: NoiseState): void;
}

export interface OrnsteinUhlenbeckOptions {
  /** Action length. */
  readonly dim: number;
  /** σ, in action units (notebook: std_dev = 0.2). */
  readonly sigma?: number;
  /** θ, mean-reversion rate (notebook class default 0.15). */
  readonly theta?: number;
  /** Time step (notebook class default 1e-2). */
  readonly dt?: number;
  /** μ, the long-run mean (notebook: zeros). */
  readonly mean?: number;
  /** x₀, the value reset() returns to (notebook: x_initial=None ⇒ zeros). */
  readonly x0?: number;
}

export interface GaussianOptions {
  readonly dim: number;
  /** σ, in action units. */
  readonly sigma: number;
  readonly mean?: number;
}

/** Bounded so that every sample stays finite in float32 (the agents' configs use the same 1e6). */
function checkNum(v: unknown, field: string, min: number, openMin: boolean, max = 1e6): number {
  if (typeof v !== 'number' || !(v >= min && v <= max) || (openMin && v === min)) {
    throw new RangeError(`${field} must be a finite number in ${openMin ? '(' : '['}${min}, ${max}], got ${showValue(v)}`);
  }
  return v;
}

function checkNoiseDim(v: unknown, who: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`${who}: dim must be a positive integer, got ${showValue(v)}`);
  }
  return v;
}

function checkOut(who: string, out: Float32Array, dim: number, scale: number): void {
  if (!(out instanceof Float32Array) || out.length !== dim) {
    throw new RangeError(`${who}.sample: out must be a Float32Array of length ${dim}`);
  }
  checkNum(scale, `${who}.sample: scale`, 0, false);
}

/** The Keras notebook's Ornstein–Uhlenbeck process: x ← x + θ·(μ − x)·dt + σ·√dt·N(0, 1) per dimension, reset each episode. */
export class OrnsteinUhlenbeckNoise implements ActionNoise {
  readonly dim: number;
  readonly sigma: number;
  readonly theta: number;
  readonly dt: number;
  readonly mean: number;
  readonly x0: number;
  /** σ·√dt, as the notebook evaluates `std_dev * np.sqrt(dt)` before the normal. */
  private readonly diffusion: number;
  private readonly x: Float64Array;

  constructor(options: OrnsteinUhlenbeckOptions) {
    const who = 'OrnsteinUhlenbeckNoise';
    this.dim = checkNoiseDim(options?.dim, who);
    this.sigma = checkNum(options.sigma ?? 0.2, `${who}: sigma`, 0, false);
    this.theta = checkNum(options.theta ?? 0.15, `${who}: theta`, 0, false);
    this.dt = checkNum(options.dt ?? 1e-2, `${who}: dt`, 0, true);
    checkNum(this.theta * this.dt, `${who}: theta·dt`, 0, false, 2); // beyond 2 each step amplifies x, up to NaN
    this.mean = checkNum(options.mean ?? 0, `${who}: mean`, -1e6, false);
    this.x0 = checkNum(options.x0 ?? 0, `${who}: x0`, -1e6, false);
    this.diffusion = this.sigma * Math.sqrt(this.dt);
    this.x = new Float64Array(this.dim).fill(this.x0);
  }

  sample(rng: Rng, out: Float32Array, scale = 1): Float32Array {
    checkOut('OrnsteinUhlenbeckNoise', out, this.dim, scale);
    const { theta, mean, dt, diffusion, x } = this;
    for (let i = 0; i < x.length; i++) {
      const prev = x[i]!;
      // x = x_prev + theta*(mean - x_prev)*dt + std_dev*sqrt(dt)*N(0, 1)
      const next = prev + theta * (mean - prev) * dt + diffusion * rng.normal();
      x[i] = next;
      out[i] = scale * next;
    }
    return out;
  }

  reset(): void {
    this.x.fill(this.x0);
  }

  getState(): NoiseState {
    return { type: 'ou', x: Array.from(this.x) };
  }

  setState(state: NoiseState): void {
    const x = state?.x;
    if (state?.type !== 'ou' || !Array.isArray(x) || x.length !== this.dim || !x.every(Number.isFinite)) {
      throw new RangeError(`OrnsteinUhlenbeckNoise.setState: expected { type: 'ou', x: ${this.dim} finite numbers }`);
    }
    this.x.set(x);
  }
}

/** Independent μ + σ·N(0, 1) per call and dimension (TD3's exploration). */
export class GaussianNoise implements ActionNoise {
  readonly dim: number;
  readonly sigma: number;
  readonly mean: number;

  constructor(options: GaussianOptions) {
    this.dim = checkNoiseDim(options?.dim, 'GaussianNoise');
    this.sigma = checkNum(options.sigma, 'GaussianNoise: sigma', 0, false);
    this.mean = checkNum(options.mean ?? 0, 'GaussianNoise: mean', -1e6, false);
  }

  sample(rng: Rng, out: Float32Array, scale = 1): Float32Array {
    checkOut('GaussianNoise', out, this.dim, scale);
    for (let i = 0; i < this.dim; i++) out[i] = scale * (this.mean + this.sigma * rng.normal());
    return out;
  }

  reset(): void {}

  getState(): NoiseState {
    return { type: 'gaussian', x: [] };
  }

  setState(state: NoiseState): void {
    if (state?.type !== 'gaussian') throw new RangeError("GaussianNoise.setState: expected { type: 'gaussian' }");
  }
}

/**
 * Linear decay of a noise scale: 1 at step 0, `finalScale` from `decaySteps` on
 * (a common exploration schedule; neither the paper nor the notebook decays).
 */
export function linearDecay(step: number, decaySteps: number, finalScale: number): number {
  if (!(decaySteps >= 1) || !Number.isFinite(finalScale) || !(step >= 0)) {
    throw new RangeError(`linearDecay: need step ≥ 0, decaySteps ≥ 1 and a finite finalScale, got ${step}, ${decaySteps}, ${finalScale}`);
  }
  return step >= decaySteps ? finalScale : 1 + (finalScale - 1) * (step / decaySteps);
}

/**
 * The exploration noise an agent's config names (`actionNoise`). σ is a
 * fraction of the action bound h (so one setting means the same on every
 * environment, as in SB3 and Fujimoto et al.); the process is built with
 * σ·h, in action units.
 */
export type ActionNoiseConfig =
  | {
      readonly type: 'ou';
      /** σ, as a fraction of the action bound h. */
      readonly sigma: number;
      /** θ, mean reversion rate. */
      readonly theta: number;
      /** Time step of the discretisation (the notebook's class default is 1e-2). */
      readonly dt: number;
    }
  | { readonly type: 'gaussian'; /** σ, as a fraction of the action bound h. */ readonly sigma: number }
  | { readonly type: 'none' };

/** The process for `config` on actions of length `dim` bounded by ±`bound`, or null for `{ type: 'none' }`. */
export function createNoise(config: ActionNoiseConfig, dim: number, bound: number): ActionNoise | null {
  if (config.type === 'ou') return new OrnsteinUhlenbeckNoise({ dim, sigma: config.sigma * bound, theta: config.theta, dt: config.dt });
  if (config.type === 'gaussian') return new GaussianNoise({ dim, sigma: config.sigma * bound });
  return null;
}
