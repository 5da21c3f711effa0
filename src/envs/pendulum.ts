/**
 * Pendulum-v1, a port of Gymnasium's gymnasium/envs/classic_control/pendulum.py
 * (commit 3f0476a8, v1.3.0-73) that reproduces its arithmetic, NumPy 2's dtype
 * rules included:
 * - the torque u arrives as float32 and is clipped to ±2 in float32
 *   (`np.clip(u, -max_torque, max_torque)[0]` keeps the float32 dtype);
 * - `3.0 * u` and `0.001 * u**2` are float32 products (NEP 50: a Python float
 *   times an np.float32 stays float32), everything else is float64;
 * - the cost uses the state *before* the update and the *clipped* torque;
 * - the angle wrap `((θ + π) % 2π) − π` is Python/NumPy's floored modulo;
 * - semi-implicit Euler: θ̇ first (then clipped to ±8), θ from the new θ̇;
 *   θ itself is never wrapped;
 * - never terminated, truncated at 200 steps (Gymnasium's registration).
 * Sines and cosines come from the deterministic kernel math (musl), not
 * Math.sin/Math.cos. The reset distribution θ ~ U(−π, π), θ̇ ~ U(−1, 1) is
 * Gymnasium's, drawn from our xoshiro128** stream, so the numbers a seed gives
 * differ from NumPy's PCG64 ones (the distribution is the same).
 */
import { cos, sin } from '../kernels/math.js';
import type { Rng } from '../rng.js';
import { box, EpisodicEnv, type Box, type EnvOptions, type Transition } from './env.js';
import { showValue } from '../show.js';

// Constants of PendulumEnv.__init__ (pendulum.py).
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
/** Gymnasium registers Pendulum-v1 with max_episode_steps=200. */
const MAX_EPISODE_STEPS = 200;
/** float32(3.0) and float32(0.001): the Python floats NumPy 2 casts to the torque's dtype. */
const F32_THREE = Math.fround(3.0);
const F32_TORQUE_COST = Math.fround(0.001);
const TWO_PI = 2 * Math.PI;

export interface PendulumOptions extends EnvOptions {
  /** Gravity in m/s² (Gymnasium's `g`), default 10.0. */
  readonly g?: number;
}

/**
 * Python's float `%` (and NumPy's npy_remainder): fmod, plus the divisor when
 * the signs differ, +0 for an exact zero. JS `%` is IEEE fmod, exact.
 */
export function floorMod(a: number, b: number): number {
  let m = a % b;
  if (m !== 0) {
    if (m < 0 !== b < 0) m += b;
  } else {
    m = b < 0 ? -0 : 0;
  }
  return m;
}

/** Gymnasium's angle_normalize: θ wrapped to [−π, π). */
export function angleNormalize(x: number): number {
  return floorMod(x + Math.PI, TWO_PI) - Math.PI;
}

/** Gymnasium's Pendulum-v1, bit for bit: swing up and balance; obs (cos θ, sin θ, θ̇), torque in [−2, 2], 200 steps. */
export class Pendulum extends EpisodicEnv {
  readonly id = 'Pendulum-v1';
  readonly observationSpace: Box = box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
  readonly actionSpace: Box = box([-MAX_TORQUE], [MAX_TORQUE]);
  protected readonly stateNames = ['theta', 'thetaDot'] as const;
  /** Gravity (m/s²). */
  readonly g: number;
  /** 3g/(2l) with m = l = 1, evaluated as pendulum.py does: `3 * g / (2 * l)`. */
  private readonly gravityTerm: number;
  private th = 0;
  private thdot = 0;
  private lastU: number | null = null;

  constructor(options: PendulumOptions = {}) {
    super(options, MAX_EPISODE_STEPS);
    const g = options.g ?? 10.0;
    // Bounded so that 3g/2·sin θ stays finite (at g ≈ 1.2e308 it is ∞·0 = NaN for θ = 0).
    if (!(typeof g === 'number' && Math.abs(g) <= 1e6)) throw new RangeError(`Pendulum-v1: g must be a finite number in [-1e6, 1e6], got ${showValue(g)}`);
    this.g = g;
    this.gravityTerm = (3 * g) / 2;
  }

  /**
   * The options of an identical environment (same physics and time limit, its
   * own fresh state): `makeEnv(env.id, env.options)`. The default evaluation env
   * of learn() and evaluate() is made this way.
   */
  get options(): PendulumOptions {
    return { g: this.g, maxEpisodeSteps: this.maxEpisodeSteps };
  }

  /** Angle in rad, 0 = upright, counter-clockwise positive, not wrapped. */
  get theta(): number {
    return this.th;
  }

  /** Angular velocity in rad/s. */
  get thetaDot(): number {
    return this.thdot;
  }

  /** The clipped torque of the last step (Gymnasium's `last_u`, for drawing); null after reset. */
  get lastTorque(): number | null {
    return this.lastU;
  }

  protected sampleInitialState(rng: Rng): void {
    // pendulum.py: high = [DEFAULT_X, DEFAULT_Y] = [π, 1]; state = uniform(-high, high).
    this.th = rng.uniform(-Math.PI, Math.PI);
    this.thdot = rng.uniform(-1, 1);
    this.lastU = null;
  }

  protected transition(action: Float32Array, out: Transition): void {
    const th = this.th;
    const thdot = this.thdot;
    // np.clip on the float32 array: min/max keep the float32 value (and −0).
    const u = Math.min(Math.max(action[0]!, -MAX_TORQUE), MAX_TORQUE);
    const an = angleNormalize(th);
    // costs = an**2 + 0.1*thdot**2 + 0.001*(u**2); u**2 and the 0.001 product in float32.
    const torqueCost = Math.fround(F32_TORQUE_COST * Math.fround(u * u));
    out.reward = -(an * an + 0.1 * (thdot * thdot) + torqueCost);
    out.terminated = false;
    // newthdot = thdot + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, the torque term in float32.
    let newthdot = thdot + (this.gravityTerm * sin(th) + Math.fround(F32_THREE * u)) * DT;
    newthdot = Math.min(Math.max(newthdot, -MAX_SPEED), MAX_SPEED);
    this.th = th + newthdot * DT;
    this.thdot = newthdot;
    this.lastU = u;
  }

  observation(): Float32Array {
    // _get_obs: np.array([cos θ, sin θ, θ̇], dtype=np.float32).
    const obs = new Float32Array(3);
    obs[0] = cos(this.th);
    obs[1] = sin(this.th);
    obs[2] = this.thdot;
    return obs;
  }

  protected physicalState(): number[] {
    return [this.th, this.thdot];
  }

  protected loadPhysicalState(state: ArrayLike<number>): void {
    this.th = state[0]!;
    this.thdot = state[1]!;
    this.lastU = null;
  }
}
