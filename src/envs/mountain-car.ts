/**
 * MountainCarContinuous-v0, a port of Gymnasium's
 * gymnasium/envs/classic_control/continuous_mountain_car.py (commit 3f0476a8)
 * that reproduces its arithmetic bit for bit, NumPy 2's dtype rules included:
 * - the state is float64 after reset (and after setState with plain numbers)
 *   but float32 after every step (`np.array([position, velocity], dtype=float32)`),
 *   so the first step of an episode runs in float64 and later steps in float32,
 *   including the comparisons against the constants (NEP 50 casts the Python
 *   float constant to float32: from step 2 the goal test is
 *   `position >= float32(0.45)`);
 * - `force = min(max(a, -1.0), 1.0)` with Python's min/max: an in-range force
 *   stays an np.float32 (float32 arithmetic), a clipped one becomes the Python
 *   float ±1.0 (float64 arithmetic);
 * - the reward uses the *unclipped* action: −0.1·a², plus 100 on the goal step;
 * - inelastic left wall, terminated at the goal, truncated at 999 steps.
 * The reset distribution position ~ U(−0.6, −0.4), velocity = 0 is Gymnasium's,
 * drawn from our xoshiro128** stream (different numbers from NumPy's PCG64).
 */
import { cos, sin } from '../kernels/math.js';
import type { Rng } from '../rng.js';
import { box, EpisodicEnv, type Box, type EnvOptions, type Transition } from './env.js';

// Constants of Continuous_MountainCarEnv.__init__ (continuous_mountain_car.py).
const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const POWER = 0.0015;
/** The hill's slope term `0.0025 * math.cos(3 * position)`. */
const GRAVITY = 0.0025;
/** Gymnasium registers MountainCarContinuous-v0 with max_episode_steps=999. */
const MAX_EPISODE_STEPS = 999;
/** Reset bounds: `np_random.uniform(low=-0.6, high=-0.4)`. */
const RESET_LOW = -0.6;
const RESET_HIGH = -0.4;
/** The same constants as NumPy 2 sees them next to an np.float32 operand. */
const F32_POWER = Math.fround(POWER);
const F32_MIN_POSITION = Math.fround(MIN_POSITION);
const F32_MAX_POSITION = Math.fround(MAX_POSITION);
const F32_MAX_SPEED = Math.fround(MAX_SPEED);
const F32_GOAL_POSITION = Math.fround(GOAL_POSITION);

const fr = Math.fround;

export type MountainCarOptions = EnvOptions;

/** Gymnasium's MountainCarContinuous-v0, bit for bit: obs (position, velocity), force in [−1, 1], 999 steps. */
export class MountainCarContinuous extends EpisodicEnv {
  readonly id = 'MountainCarContinuous-v0';
  readonly observationSpace: Box = box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  readonly actionSpace: Box = box([MIN_ACTION], [MAX_ACTION]);
  protected readonly stateNames = ['position', 'velocity'] as const;
  private pos = 0;
  private vel = 0;
  /** True once the state is float32-valued (after a step), selecting the float32 path. */
  private f32 = false;

  constructor(options: MountainCarOptions = {}) {
    super(options, MAX_EPISODE_STEPS);
  }

  /** The options of an identical environment (same time limit, its own fresh state): `makeEnv(env.id, env.options)`. */
  get options(): MountainCarOptions {
    return { maxEpisodeSteps: this.maxEpisodeSteps };
  }

  /** Position along the x-axis (goal at 0.45). */
  get position(): number {
    return this.pos;
  }

  get velocity(): number {
    return this.vel;
  }

  /** Height of the track at x, `sin(3x)·0.45 + 0.55` (Gymnasium's `_height`, for drawing). */
  static height(x: number): number {
    return sin(3 * x) * 0.45 + 0.55;
  }

  protected sampleInitialState(rng: Rng): void {
    this.pos = rng.uniform(RESET_LOW, RESET_HIGH);
    this.vel = 0;
    this.f32 = false;
  }

  protected transition(action: Float32Array, out: Transition): void {
    const a = action[0]!;
    const terminated = this.f32 ? this.stepFloat32(a) : this.stepFloat64(a);
    // reward = (100.0 if terminated else 0) - math.pow(action[0], 2) * 0.1; a² is exact in float64.
    out.reward = (terminated ? 100.0 : 0) - a * a * 0.1;
    out.terminated = terminated;
    this.f32 = true;
  }

  /** The first step after reset/setState: position and velocity are np.float64. */
  private stepFloat64(a: number): boolean {
    let p = this.pos;
    let v = this.vel;
    const slope = GRAVITY * cos(3 * p);
    // In range: np.float32 force, so `force*power - slope` is float32; clipped: Python floats.
    v += a < MIN_ACTION || a > MAX_ACTION
      ? (a < MIN_ACTION ? MIN_ACTION : MAX_ACTION) * POWER - slope
      : fr(fr(a * F32_POWER) - fr(slope));
    if (v > MAX_SPEED) v = MAX_SPEED;
    if (v < -MAX_SPEED) v = -MAX_SPEED;
    p += v;
    if (p > MAX_POSITION) p = MAX_POSITION;
    if (p < MIN_POSITION) p = MIN_POSITION;
    if (p === MIN_POSITION && v < 0) v = 0;
    return this.store(p, v, p >= GOAL_POSITION && v >= 0);
  }

  /**
   * Every later step: np.float32 state. Python-float operands are cast to
   * float32 (NEP 50), comparisons included; a clip assigns the Python float
   * constant, which is cast again where it meets a float32.
   */
  private stepFloat32(a: number): boolean {
    let p = this.pos;
    let v = this.vel;
    const slope = GRAVITY * cos(fr(3 * p));
    const acc = a < MIN_ACTION || a > MAX_ACTION
      ? (a < MIN_ACTION ? MIN_ACTION : MAX_ACTION) * POWER - slope
      : fr(fr(a * F32_POWER) - fr(slope));
    v = fr(v + fr(acc));
    if (v > F32_MAX_SPEED) v = MAX_SPEED;
    else if (v < -F32_MAX_SPEED) v = -MAX_SPEED;
    p = fr(p + fr(v));
    if (p > F32_MAX_POSITION) p = MAX_POSITION;
    else if (p < F32_MIN_POSITION) p = MIN_POSITION;
    // A clipped p is the Python float −1.2; an unclipped float32 p equals it after the cast.
    if ((p === MIN_POSITION || p === F32_MIN_POSITION) && v < 0) v = 0;
    // A clipped p (0.6 or −1.2) compares as a Python float; both sides agree with the float32 test.
    return this.store(p, v, p >= F32_GOAL_POSITION && v >= 0);
  }

  private store(p: number, v: number, terminated: boolean): boolean {
    // self.state = np.array([position, velocity], dtype=np.float32)
    this.pos = fr(p);
    this.vel = fr(v);
    return terminated;
  }

  observation(): Float32Array {
    const obs = new Float32Array(2);
    obs[0] = this.pos;
    obs[1] = this.vel;
    return obs;
  }

  protected physicalState(): number[] {
    return [this.pos, this.vel];
  }

  protected override stateDtype(): 'float32' | 'float64' {
    return this.f32 ? 'float32' : 'float64';
  }

  protected loadPhysicalState(state: ArrayLike<number>, dtype: 'float32' | 'float64'): void {
    this.f32 = dtype === 'float32';
    // A float32 state holds float32 values; round in case a snapshot was edited.
    this.pos = this.f32 ? fr(state[0]!) : state[0]!;
    this.vel = this.f32 ? fr(state[1]!) : state[1]!;
  }
}
