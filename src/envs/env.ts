/**
 * The environment interface (Gymnasium's shape with JavaScript names), the Box
 * space, and `EpisodicEnv`, the base class both built-in environments extend and
 * custom environments may extend too: it owns the seeded generator, the step
 * counter (Gymnasium's TimeLimit wrapper), the episode bookkeeping (Gymnasium's
 * OrderEnforcing wrapper), action validation and the snapshot for save/resume.
 *
 * Conventions every built-in environment follows:
 * - `reset()` and `step()` return a fresh Float32Array observation each call; the
 *   caller may keep it (no buffer is reused behind its back).
 * - Actions are converted to float32, as Gymnasium's float32 Box would hold them.
 *   NaN, ±Infinity, values beyond the float32 range and a wrong length throw a
 *   RangeError naming the environment, the step and the value (Gymnasium would
 *   silently poison the state: a deliberate difference). Finite out-of-range
 *   actions are clipped inside the dynamics exactly as Gymnasium does.
 * - `terminated` and `truncated` are separate: truncation is the time limit only.
 * - Stepping after the episode ended (or before the first reset/setState) throws
 *   an Error; Gymnasium's OrderEnforcing raises before the first reset and only
 *   warns after the end, but silently continuing a finished episode is a bug in
 *   a training loop.
 */
import { checkSeed, Rng, type RngState } from '../rng.js';
import { showValue } from '../show.js';

/** A box-shaped space of float32 vectors (Gymnasium's `spaces.Box`, float32, 1-D). */
export interface Box {
  readonly shape: readonly [number];
  /** Lower bounds, float32. Treat as read-only. */
  readonly low: Float32Array;
  /** Upper bounds, float32. Treat as read-only. */
  readonly high: Float32Array;
}

/** What `step()` returns. `obs` is a fresh array on every call. */
export interface StepResult {
  readonly obs: Float32Array;
  readonly reward: number;
  /** The MDP reached a terminal state: do not bootstrap from `obs`. */
  readonly terminated: boolean;
  /** The time limit cut the episode: `obs` is not terminal, bootstrap from it. */
  readonly truncated: boolean;
}

/**
 * Everything needed to resume an environment mid-episode; JSON-safe.
 * `state` is the physical state as Gymnasium's `env.unwrapped.state` holds it.
 */
export interface EnvSnapshot {
  readonly id: string;
  readonly state: readonly number[];
  /**
   * Whether the physical state is float32-valued (as after a MountainCar step,
   * whose next step then runs in float32) or float64 (after reset/setState).
   */
  readonly stateDtype: 'float32' | 'float64';
  /** Steps taken in the current episode (the TimeLimit counter). */
  readonly elapsedSteps: number;
  /** 'unset' before the first reset, 'running', or 'ended' after terminated/truncated. */
  readonly status: EpisodeStatus;
  readonly rng: RngState;
}

export type EpisodeStatus = 'unset' | 'running' | 'ended';

/** The interface the agents accept. Implement it (or extend EpisodicEnv) to plug in your own. */
export interface Env {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  /** Time limit: `truncated` is true on this step. */
  readonly maxEpisodeSteps: number;
  /** Starts an episode; with a seed, reseeds first (same seed ⇒ same initial state). */
  reset(seed?: number): Float32Array;
  step(action: ArrayLike<number>): StepResult;
  /** Optional: a JSON-safe snapshot for resuming mid-episode. */
  getState?(): EnvSnapshot;
  /** Optional: a physical state (restarting the step counter) or a full snapshot. */
  setState?(state: ArrayLike<number> | EnvSnapshot): void;
}

/**
 * What the agents use of a NormalizeEnv (ddpg-wasm/normalize), found by its
 * methods (`normalizing`) so that the main entry does not ship the wrapper.
 *
 * @internal
 */
export interface NormalizingEnv extends Env {
  readonly env: Env;
  readonly options: { readonly obs: boolean };
  evalEnv(env: Env): Env;
  getStats(): object;
  setStats(state: never): void;
  obsBlocks(): { mean: Float32Array; std: Float32Array };
}

/** `env` as a NormalizingEnv, or null. @internal */
export const normalizing = (env: Env): NormalizingEnv | null =>
  typeof (env as Partial<NormalizingEnv> | null)?.obsBlocks === 'function' ? env as NormalizingEnv : null;

/** Options every built-in environment accepts. */
export interface EnvOptions {
  /** Seed of the reset distribution (integer in [0, 2^53 − 1]); default 0, so runs are reproducible. */
  readonly seed?: number;
  /** Overrides the registered time limit (Gymnasium's `max_episode_steps`). */
  readonly maxEpisodeSteps?: number;
}

/** A Box from bound lists (rounded to float32 as Gymnasium's float32 Box does). */
export function box(low: readonly number[], high: readonly number[]): Box {
  if (low.length !== high.length || low.length === 0) {
    throw new RangeError(`box: low and high need the same nonzero length, got ${low.length} and ${high.length}`);
  }
  const lo = Float32Array.from(low);
  const hi = Float32Array.from(high);
  for (let i = 0; i < lo.length; i++) {
    if (!(lo[i]! <= hi[i]!)) throw new RangeError(`box: low[${i}] = ${lo[i]} exceeds high[${i}] = ${hi[i]}`);
  }
  return { shape: [lo.length], low: lo, high: hi };
}

/** True when every component of x lies inside the box (bounds inclusive). */
export function boxContains(space: Box, x: ArrayLike<number>): boolean {
  if (x.length !== space.shape[0]) return false;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!(v >= space.low[i]! && v <= space.high[i]!)) return false;
  }
  return true;
}

/**
 * Converts an action to float32 into `out`, or throws a RangeError naming the
 * environment, the (1-based) step and the offending value.
 */
export function checkAction(id: string, step: number, action: ArrayLike<number>, out: Float32Array): void {
  const n = out.length;
  const len = (action as { length?: unknown } | null | undefined)?.length;
  if (len !== n) {
    throw new RangeError(`${id} step ${step}: action must have length ${n}, got ${describe(action, len)}`);
  }
  for (let i = 0; i < n; i++) {
    const a = action[i];
    // Beyond ±3.4028234663852886e38 a finite double rounds to ±Infinity in float32.
    if (typeof a !== 'number' || !Number.isFinite(Math.fround(a))) {
      throw new RangeError(`${id} step ${step}: action[${i}] = ${showValue(a)} is not a finite float32 number`);
    }
    out[i] = a;
  }
}

function describe(action: unknown, len: unknown): string {
  if (action === null || typeof action !== 'object') return showValue(action);
  return `length ${showValue(len)}`;
}

/** Largest |component| of a physical state setState() accepts. */
const MAX_STATE = 1e30;

/** Checks a physical state array: the right length and all finite. */
export function checkPhysicalState(id: string, state: ArrayLike<number>, names: readonly string[]): void {
  if (state?.length !== names.length) {
    throw new RangeError(`${id}.setState: expected [${names.join(', ')}] (length ${names.length}), got length ${showValue(state?.length)}`);
  }
  for (let i = 0; i < names.length; i++) {
    const v = state[i];
    // Beyond ±1e30 the physics overflows (Pendulum's reward squares θ̇; observations are float32).
    if (typeof v !== 'number' || !(Math.abs(v) <= MAX_STATE)) {
      throw new RangeError(`${id}.setState: ${names[i]} = ${showValue(v)} is not a finite number in [-1e30, 1e30]`);
    }
  }
}

/** The mutable record a transition fills in (reused: no allocation per step). */
export interface Transition {
  reward: number;
  terminated: boolean;
}

/**
 * Base class for episodic environments: subclasses supply the physics
 * (`sampleInitialState`, `transition`, `observation`) and the physical state
 * accessors; everything Gymnasium's wrappers do lives here.
 */
export abstract class EpisodicEnv implements Env {
  abstract readonly id: string;
  abstract readonly observationSpace: Box;
  abstract readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  /** The generator of the reset distribution ('env' stream of the seed). */
  protected rng: Rng;
  private elapsed = 0;
  private status: EpisodeStatus = 'unset';
  private action: Float32Array | null = null;
  private readonly scratch: Transition = { reward: 0, terminated: false };

  protected constructor(options: EnvOptions, defaultMaxSteps: number) {
    this.rng = new Rng(checkSeed(options.seed ?? 0), 'env');
    const max = options.maxEpisodeSteps ?? defaultMaxSteps;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`maxEpisodeSteps must be a positive integer, got ${showValue(max)}`);
    }
    this.maxEpisodeSteps = max;
  }

  /** Draws the initial physical state from `rng` (float64, like Gymnasium's reset). */
  protected abstract sampleInitialState(rng: Rng): void;
  /** Advances the physics by one step with a validated float32 action. */
  protected abstract transition(action: Float32Array, out: Transition): void;
  /** A fresh float32 observation of the current state (what reset/step would return now). */
  abstract observation(): Float32Array;
  /** The physical state as Gymnasium holds it (plain numbers). */
  protected abstract physicalState(): number[];
  /** Whether the physical state is float32-valued (see EnvSnapshot.stateDtype). */
  protected stateDtype(): 'float32' | 'float64' {
    return 'float64';
  }
  /** Loads a physical state that has already been validated. */
  protected abstract loadPhysicalState(state: ArrayLike<number>, dtype: 'float32' | 'float64'): void;
  /** Names of the physical state's components, for error messages. */
  protected abstract readonly stateNames: readonly string[];

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  /** 'unset' before the first reset/setState, 'running', or 'ended'. */
  get episodeStatus(): EpisodeStatus {
    return this.status;
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng = new Rng(checkSeed(seed), 'env');
    this.sampleInitialState(this.rng);
    this.elapsed = 0;
    this.status = 'running';
    return this.observation();
  }

  step(action: ArrayLike<number>): StepResult {
    const stepNo = this.elapsed + 1;
    if (this.status !== 'running') this.throwNotRunning(stepNo);
    const a = this.action ??= new Float32Array(this.actionSpace.shape[0]);
    checkAction(this.id, stepNo, action, a);
    const t = this.scratch;
    this.transition(a, t);
    this.elapsed = stepNo;
    // Gymnasium's TimeLimit: truncated once elapsed ≥ max_episode_steps.
    const truncated = stepNo >= this.maxEpisodeSteps;
    if (t.terminated || truncated) this.status = 'ended';
    return { obs: this.observation(), reward: t.reward, terminated: t.terminated, truncated };
  }

  private throwNotRunning(stepNo: number): never {
    if (this.status === 'unset') {
      throw new Error(`${this.id}: step() called before reset() or setState()`);
    }
    throw new Error(
      `${this.id}: step ${stepNo} called after the episode ended at step ${stepNo - 1}; call reset() (or setState()) first`);
  }

  getState(): EnvSnapshot {
    return {
      id: this.id,
      state: this.physicalState(),
      stateDtype: this.stateDtype(),
      elapsedSteps: this.elapsed,
      status: this.status,
      rng: this.rng.getState(),
    };
  }

  /**
   * With an array: the physical state as Gymnasium's `env.unwrapped.state` holds
   * it; restarts the step counter and leaves the generator alone. A Float32Array
   * marks the state float32-valued (as Gymnasium's is after `state = obs`),
   * anything else float64. With a snapshot from getState(): restores everything.
   */
  setState(state: ArrayLike<number> | EnvSnapshot): void {
    if (isSnapshot(state)) {
      this.restoreSnapshot(state);
      return;
    }
    checkPhysicalState(this.id, state, this.stateNames);
    this.loadPhysicalState(state, state instanceof Float32Array ? 'float32' : 'float64');
    this.elapsed = 0;
    this.status = 'running';
  }

  private restoreSnapshot(snap: EnvSnapshot): void {
    const where = `${this.id}.setState`;
    if (snap.id !== this.id) throw new RangeError(`${where}: snapshot is for ${showValue(snap.id)}, not ${this.id}`);
    checkPhysicalState(this.id, snap.state, this.stateNames);
    if (snap.stateDtype !== 'float32' && snap.stateDtype !== 'float64') {
      throw new RangeError(`${where}: stateDtype must be 'float32' or 'float64', got ${showValue(snap.stateDtype)}`);
    }
    const e = snap.elapsedSteps;
    if (!Number.isSafeInteger(e) || e < 0 || e > this.maxEpisodeSteps) {
      throw new RangeError(`${where}: elapsedSteps must be an integer in [0, ${this.maxEpisodeSteps}], got ${showValue(e)}`);
    }
    if (snap.status !== 'unset' && snap.status !== 'running' && snap.status !== 'ended') {
      throw new RangeError(`${where}: status must be 'unset', 'running' or 'ended', got ${showValue(snap.status)}`);
    }
    const rng = new Rng(0);
    rng.setState(snap.rng);
    this.loadPhysicalState(snap.state, snap.stateDtype);
    this.rng = rng;
    this.elapsed = e;
    this.status = snap.status;
  }
}

function isSnapshot(x: ArrayLike<number> | EnvSnapshot): x is EnvSnapshot {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'state' in x;
}
