/**
 * NormalizeEnv: Stable-Baselines3's VecNormalize for one environment. Running
 * mean and variance of the observations (SB3's RunningMeanStd: its parallel
 * update with a batch of one, count starting at 1e-4), observations mapped to
 * clip((o − μ)/√(σ² + ε)) and rewards to clip(r/√(Var[R] + ε)), where R is the
 * discounted return of the episode in flight (R ← γR + r, reset at episode
 * ends). `training = false` freezes the statistics; evaluation copies
 * (`evalEnv`) share them, frozen, and report the env's own rewards.
 *
 * Differences from SB3: the statistics also update on reset() observations
 * (SB3's auto-reset sees them as the next step's), and off-policy agents store
 * the normalized transition (SB3 stores the raw one and normalizes at sampling).
 * Deterministic: float64 statistics, exact IEEE arithmetic only (Math.sqrt is
 * correctly rounded); mean and std are applied as float32, as files store them.
 */
import { normalizeObs } from '../nn/normalize.js';
import { showName, showValue } from '../show.js';
import type { Box, Env, EnvSnapshot, StepResult } from './env.js';

export interface NormalizeOptions {
  /** Normalize observations. Default true. */
  readonly obs?: boolean;
  /** Divide rewards by the running std of the discounted return. Default true. */
  readonly reward?: boolean;
  /** Normalized observations are clipped to [−clipObs, clipObs]. Default 10 (SB3). */
  readonly clipObs?: number;
  /** Normalized rewards are clipped to [−clipReward, clipReward]. Default 10 (SB3). */
  readonly clipReward?: number;
  /** Discount of the return whose variance scales rewards. Default 0.99 (SB3). */
  readonly gamma?: number;
  /** ε under the square roots. Default 1e-8 (SB3). */
  readonly epsilon?: number;
}

/** A NormalizeEnv's statistics and settings, JSON-safe (checkpoints and policy files store it as `normalize`). */
export interface NormalizeState extends Required<NormalizeOptions> {
  readonly obsMean: readonly number[];
  readonly obsVar: readonly number[];
  readonly obsCount: number;
  readonly retMean: number;
  readonly retVar: number;
  readonly retCount: number;
  /** The discounted return R of the episode in flight. */
  readonly returns: number;
}

const DEFAULTS: Required<NormalizeOptions> = { obs: true, reward: true, clipObs: 10, clipReward: 10, gamma: 0.99, epsilon: 1e-8 };
/** SB3's RunningMeanStd(epsilon=1e-4): the count starts here, so the first update moves the mean almost all the way. */
const COUNT0 = 1e-4;

const RANGES: Record<keyof NormalizeOptions, [string, (v: unknown) => boolean]> = {
  obs: ['true or false', (v) => typeof v === 'boolean'],
  reward: ['true or false', (v) => typeof v === 'boolean'],
  clipObs: ['a number in (0, 1e6]', (v) => typeof v === 'number' && v > 0 && v <= 1e6],
  clipReward: ['a number in (0, 1e6]', (v) => typeof v === 'number' && v > 0 && v <= 1e6],
  gamma: ['a number in [0, 1]', (v) => typeof v === 'number' && v >= 0 && v <= 1],
  epsilon: ['a number in (0, 1]', (v) => typeof v === 'number' && v > 0 && v <= 1],
};

/** Options → settings, every field checked (RangeError naming field, value and range). @internal */
export function normalizeOptions(o: unknown, who = 'NormalizeEnv'): Required<NormalizeOptions> {
  if (o === true) return { ...DEFAULTS };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError(`${who}: options must be an object (or true), got ${showValue(o)}`);
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(RANGES, k)) throw new RangeError(`${who}: unknown option ${showValue(k)}; known: ${Object.keys(RANGES).join(', ')}`);
  }
  const r = { ...DEFAULTS };
  for (const [k, [range, ok]] of Object.entries(RANGES) as [keyof NormalizeOptions, [string, (v: unknown) => boolean]][]) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (!ok(v)) throw new RangeError(`${who}: ${k} must be ${range}, got ${showValue(v)}`);
    (r as Record<string, unknown>)[k] = v;
  }
  if (!r.obs && !r.reward) throw new RangeError(`${who}: obs and reward are both false; there is nothing to normalize`);
  return r;
}

/** The running statistics, shared by a training env and its evaluation copies. */
class Stats {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = COUNT0;
  /** mean and √(var + ε) as float32: what normalizeObs applies (and files store). */
  readonly meanF: Float32Array;
  readonly stdF: Float32Array;
  retMean = 0;
  retVar = 1;
  retCount = COUNT0;

  constructor(n: number, public epsilon: number) {
    this.mean = new Float64Array(n);
    this.var = new Float64Array(n).fill(1);
    this.meanF = new Float32Array(n);
    this.stdF = new Float32Array(n);
    this.refresh();
  }

  /**
   * SB3's update_from_moments with batch mean x, batch var 0 and batch count 1, in
   * its operation order (its `· batch_count` and `+ m_b` are exact no-ops here).
   */
  update(x: Float32Array): void {
    const tot = this.count + 1;
    for (let i = 0; i < x.length; i++) {
      const delta = x[i]! - this.mean[i]!;
      this.mean[i] = this.mean[i]! + delta / tot;
      this.var[i] = (this.var[i]! * this.count + delta * delta * this.count / tot) / tot;
    }
    this.count = tot;
    this.refresh();
  }

  updateReturn(x: number): void {
    const tot = this.retCount + 1, delta = x - this.retMean;
    this.retMean = this.retMean + delta / tot;
    this.retVar = (this.retVar * this.retCount + delta * delta * this.retCount / tot) / tot;
    this.retCount = tot;
  }

  refresh(): void {
    for (let i = 0; i < this.mean.length; i++) {
      this.meanF[i] = this.mean[i]!;
      this.stdF[i] = Math.sqrt(this.var[i]! + this.epsilon);
    }
  }
}

/** Wraps `env` (any Env): the agent sees normalized observations and rewards. */
export class NormalizeEnv implements Env {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  /** True: reset() and step() update the statistics. False: they are frozen (evaluation). */
  training = true;
  getState?: () => EnvSnapshot;
  setState?: (state: ArrayLike<number> | EnvSnapshot) => void;
  /** The settings and the statistics, shared with evaluation copies. */
  private opts: Required<NormalizeOptions>;
  private stats: Stats;
  /** An evaluation copy: its rewards are the env's own (evaluations report real returns). */
  private evalCopy = false;
  private returns = 0;
  private readonly res: { obs: Float32Array; reward: number; terminated: boolean; truncated: boolean };

  constructor(readonly env: Env, options: NormalizeOptions | true = {}) {
    if (typeof env?.reset !== 'function' || typeof env.step !== 'function' || !(env.observationSpace?.shape?.[0] >= 1)) {
      throw new TypeError(`NormalizeEnv: env must be an Env (reset, step, observationSpace), got ${showValue(env)}`);
    }
    this.opts = normalizeOptions(options);
    this.id = env.id;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.maxEpisodeSteps = env.maxEpisodeSteps;
    this.stats = new Stats(env.observationSpace.shape[0], this.opts.epsilon);
    this.res = { obs: new Float32Array(0), reward: 0, terminated: false, truncated: false };
    if (env.getState) this.getState = () => env.getState!();
    if (env.setState) this.setState = (s) => env.setState!(s);
  }

  /** The settings (defaults filled in). */
  get options(): Readonly<Required<NormalizeOptions>> {
    return this.opts;
  }

  /** A frozen copy around `env` for evaluation: these statistics (shared, not updated), the env's own rewards. */
  evalEnv(env: Env): NormalizeEnv {
    const e = new NormalizeEnv(env, this.opts);
    e.opts = this.opts;
    e.stats = this.stats;
    e.training = false;
    e.evalCopy = true;
    return e;
  }

  reset(seed?: number): Float32Array {
    const obs = this.env.reset(seed);
    this.returns = 0;
    return this.observe(obs, 'reset()');
  }

  step(action: ArrayLike<number>): StepResult {
    const r = this.env.step(action), res = this.res;
    if (typeof r !== 'object' || r === null || typeof r.reward !== 'number' || !Number.isFinite(r.reward)) {
      throw new RangeError(`${showName(this.id)}.step() returned ${typeof r === 'object' && r !== null ? `a non-finite reward (${showValue(r.reward)})` : showValue(r)} (NormalizeEnv)`);
    }
    res.obs = this.observe(r.obs, 'step()');
    let rew = r.reward;
    const o = this.opts;
    if (o.reward) {
      if (this.training) {
        this.returns = this.returns * o.gamma + rew;
        this.stats.updateReturn(this.returns);
      }
      if (!this.evalCopy) {
        rew = rew / Math.sqrt(this.stats.retVar + o.epsilon);
        rew = rew < -o.clipReward ? -o.clipReward : rew > o.clipReward ? o.clipReward : rew;
      }
    }
    if (r.terminated || r.truncated) this.returns = 0;
    res.reward = rew;
    res.terminated = r.terminated;
    res.truncated = r.truncated;
    return res;
  }

  /** Normalizes `obs` in place (the env's fresh array), updating the statistics first when training. */
  private observe(obs: Float32Array, where: string): Float32Array {
    const n = this.stats.mean.length;
    if (!(obs instanceof Float32Array) || obs.length !== n || !obs.every(Number.isFinite)) {
      throw new RangeError(`${showName(this.id)}.${where} returned ${showValue(obs)}; NormalizeEnv needs a fresh Float32Array of ${n} finite numbers`);
    }
    if (!this.opts.obs) return obs;
    if (this.training) this.stats.update(obs);
    normalizeObs(obs, 0, this.stats.meanF, this.stats.stdF, this.opts.clipObs);
    return obs;
  }

  /** `obs` normalized with the current statistics into `out` (a new array by default); nothing is updated. */
  normalize(obs: ArrayLike<number>, out = new Float32Array(this.stats.mean.length)): Float32Array {
    if (obs?.length !== out.length) throw new RangeError(`NormalizeEnv.normalize: obs must have length ${out.length}, got ${showValue(obs?.length)}`);
    out.set(obs);
    if (this.opts.obs) normalizeObs(out, 0, this.stats.meanF, this.stats.stdF, this.opts.clipObs);
    return out;
  }

  /** The statistics and settings (JSON-safe), as checkpoints store them. */
  getStats(): NormalizeState {
    const s = this.stats;
    return {
      ...this.opts, obsMean: Array.from(s.mean), obsVar: Array.from(s.var), obsCount: s.count,
      retMean: s.retMean, retVar: s.retVar, retCount: s.retCount, returns: this.returns,
    };
  }

  /** The float32 mean and std that normalize observations (the blocks of a policy file). @internal */
  obsBlocks(): { mean: Float32Array; std: Float32Array } {
    return { mean: this.stats.meanF.slice(), std: this.stats.stdF.slice() };
  }

  /** Restores getStats()'s result (settings included); throws naming the field when it does not fit this env. */
  setStats(state: NormalizeState): void {
    const n = this.stats.mean.length, fail = (f: string, want: string, v: unknown): never => {
      throw new RangeError(`NormalizeEnv.setStats: ${f} must be ${want}, got ${showValue(v)}`);
    };
    if (typeof state !== 'object' || state === null) fail('state', 'an object', state);
    const { obsMean, obsVar, obsCount, retMean, retVar, retCount, returns, ...opts } = state;
    const settings = normalizeOptions(opts, 'NormalizeEnv.setStats');
    for (const [k, v] of [['obsMean', obsMean], ['obsVar', obsVar]] as const) {
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (k === 'obsMean' || x >= 0))) {
        fail(k, `an array of ${n} finite numbers${k === 'obsVar' ? ' ≥ 0' : ''}`, v);
      }
    }
    for (const [k, v] of [['obsCount', obsCount], ['retCount', retCount], ['retVar', retVar]] as const) {
      if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(k, 'a finite number ≥ 0', v);
    }
    for (const [k, v] of [['retMean', retMean], ['returns', returns]] as const) if (!(typeof v === 'number' && Number.isFinite(v))) fail(k, 'a finite number', v);
    // In place: evaluation copies share these objects.
    const s = this.stats;
    s.mean.set(obsMean);
    s.var.set(obsVar);
    s.count = obsCount;
    s.retMean = retMean;
    s.retVar = retVar;
    s.retCount = retCount;
    s.epsilon = settings.epsilon;
    s.refresh();
    Object.assign(this.opts, settings);
    this.returns = returns;
  }
}
