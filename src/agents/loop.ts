/**
 * The outer loops of Algorithm 1 (lines 4–10, 16–17) for off-policy agents:
 * acting, stepping the environment, storing transitions, calling the agent's
 * update(), episode bookkeeping, periodic evaluation, callbacks and abort.
 * Progress lives here (not in local variables of learn()) so that
 * learn(a); learn(b) ≡ learn(a + b), and a saved run resumes mid-episode.
 */
import { type Env, normalizing, type StepResult } from '../envs/env.js';
import { builtinEnvOptions, makeEnv } from '../envs/make.js';
import { seedPlus } from '../rng.js';
import { showName, showValue } from '../show.js';
import type { Agent, EpisodeRecord, EvalRecord, LearnOptions, LoopProgress, LoopState, StepRecord, UpdateStats } from './agent.js';

/** learn()'s evaluation episodes by default, and the CLI's: Stable-Baselines3's EvalCallback (n_eval_episodes=5). @internal */
export const EVAL_EPISODES = 5;

/** Evaluation episode k resets the eval env with seed config.seed + EVAL_SEED_OFFSET + k (see evalSeed). */
export const EVAL_SEED_OFFSET = 1_000_000;

/** The reset seed of evaluation episode k: seed + EVAL_SEED_OFFSET + k, wrapped around below 2^53 (seedPlus). */
export function evalSeed(seed: number, k: number): number {
  if (!(Number.isSafeInteger(k) && k >= 0 && k <= 2 ** 32)) throw new RangeError(`evalSeed: k must be an integer in [0, 2^32], got ${k}`);
  return seedPlus(seed, EVAL_SEED_OFFSET + k);
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * An agent's training progress (`agent.loop`): environment steps, episodes and
 * gradient updates over its life, and the exploration-noise multiplier. It also
 * runs learn()'s outer loop (internal).
 */
export class RunLoop implements LoopProgress {
  /** Environment steps taken over the agent's life. */
  steps = 0;
  /** Episodes finished. */
  episodes = 0;
  /** Gradient updates (update() calls). */
  updates = 0;
  /** The best mean return of learn()'s periodic evaluations so far (−Infinity before the first); checkpointed. */
  bestMeanReturn = -Infinity;
  private started = false;
  private obs: Float32Array | null = null;
  private epReturn = 0;
  private epLen = 0;
  private epUpdates = 0;
  private epCritic = 0;
  private epActor = 0;
  private epActorN = 0;
  private epQ = 0;
  private readonly action: Float32Array;
  /** The act() options of a training step, made once (no allocation per step). */
  private readonly exploreOpts: { explore: boolean; out: Float32Array };
  private readonly stepRecord: StepRecord = { step: 0, reward: 0, terminated: false, truncated: false, update: null };

  /**
   * @param resetNoise reset the agent's noise process at every episode start
   * @internal
   */
  constructor(private readonly agent: Agent, private readonly resetNoise: boolean) {
    this.action = new Float32Array(agent.actDim);
    this.exploreOpts = { explore: true, out: this.action };
  }

  /** @internal */
  async learn(totalSteps: number, o: LearnOptions): Promise<void> {
    checkLearnArgs(totalSteps, o);
    const a = this.agent, env = a.env;
    const evalEvery = o.evalEvery ?? 0;
    const evalEnv = evalEvery > 0 ? evalView(a, o.evalEnv ?? defaultEvalEnv(env), 'learn: evalEnv') : null;
    const end = this.steps + totalSteps, t0 = now(), s0 = this.steps;
    if (this.obs === null && end > this.steps) this.beginEpisode();
    while (this.steps < end && !o.signal?.aborted) {
      const { res, stats } = this.step();
      // Bookkeeping first, callbacks after: a checkpoint saved from a callback
      // then holds the state the next step starts from (s_{t+1}, or the new
      // episode's first observation) and resumes bit for bit.
      const ended = res.terminated || res.truncated;
      const record = ended ? this.episodeRecord(t0, s0) : null;
      if (ended) {
        this.episodes++;
        this.beginEpisode();
      } else this.obs = res.obs;
      if (o.onStep) this.emitStep(o.onStep, res, stats);
      if (record !== null) {
        o.onEpisode?.(record);
        await yieldToEventLoop();
      }
      if (evalEnv !== null && this.steps % evalEvery === 0) {
        const r = this.evaluate(evalEnv, o.evalEpisodes ?? EVAL_EPISODES);
        o.onEval?.(r);
        // SB3's EvalCallback: a new best is a mean above every earlier one; onNewBest gets the policy file.
        if (r['eval/mean_return'] > this.bestMeanReturn) {
          this.bestMeanReturn = r['eval/mean_return'];
          o.onNewBest?.(r, a.save({ kind: 'policy' }));
        }
        await yieldToEventLoop();
      }
    }
  }

  /**
   * One environment step (Alg. 1 lines 8–10) and the updates due after it.
   * Whatever fails here (the env's step, a value it returns, an update) ends
   * the episode in flight unrecorded: the next learn() starts a fresh one, so
   * no transition ever spans two steps.
   */
  private step(): { res: StepResult; stats: UpdateStats | null } {
    const a = this.agent, obs = this.obs!;
    try {
      // Alg. 1 line 8: a_t = μ(s_t) + 𝒩_t (uniform random before learningStarts)
      if (this.steps < a.config.learningStarts) this.randomAction();
      else a.act(obs, this.exploreOpts);
      // Alg. 1 line 9
      const res = a.env.step(this.action);
      checkStep(a.env, a.obsDim, this.steps + 1, res);
      // Alg. 1 line 10: store (s_t, a_t, r_t, s_{t+1}, terminated)
      a.buffer.add(obs, this.action, res.reward, res.obs, res.terminated);
      this.steps++;
      this.epReturn += res.reward;
      this.epLen++;
      return { res, stats: this.train() };
    } catch (e) {
      this.obs = null;
      throw e;
    }
  }

  /** Alg. 1 lines 11–15, every trainFreq steps once learningStarts is passed. */
  private train(): UpdateStats | null {
    const c = this.agent.config;
    if (this.steps <= c.learningStarts || this.steps % c.trainFreq !== 0) return null;
    let stats: UpdateStats | null = null;
    this.agent.scheduleRates(this.steps);
    for (let g = 0; g < c.gradientSteps; g++) {
      stats = this.agent.update();
      this.updates++;
      this.epUpdates++;
      this.epCritic += stats.criticLoss;
      if (stats.actorUpdated) {
        this.epActor += stats.actorLoss;
        this.epActorN++;
      }
      this.epQ += stats.qMean;
    }
    return stats;
  }

  /** Alg. 1 lines 5–6 (the noise is reset only when the config says so: the notebook never does). */
  private beginEpisode(): void {
    const a = this.agent;
    this.obs = null; // until reset() has given a valid observation
    const obs = this.started ? a.env.reset() : a.env.reset(a.config.seed);
    checkObs(a.env, a.obsDim, obs, 'reset()');
    this.obs = obs;
    this.started = true;
    if (this.resetNoise) a.noise?.reset();
    this.epReturn = 0;
    this.epLen = 0;
    this.epUpdates = 0;
    this.epCritic = 0;
    this.epActor = 0;
    this.epActorN = 0;
    this.epQ = 0;
  }

  private randomAction(): void {
    const h = this.agent.actBound, rng = this.agent.rngs.explore;
    for (let i = 0; i < this.action.length; i++) this.action[i] = rng.uniform(-h, h);
  }

  private emitStep(cb: (r: StepRecord) => void, res: StepResult, stats: UpdateStats | null): void {
    const r = this.stepRecord;
    r.step = this.steps;
    r.reward = res.reward;
    r.terminated = res.terminated;
    r.truncated = res.truncated;
    r.update = stats;
    cb(r);
  }

  private episodeRecord(t0: number, s0: number): EpisodeRecord {
    const n = this.epUpdates, dt = (now() - t0) / 1000;
    return {
      'rollout/ep_return': this.epReturn,
      'rollout/ep_len': this.epLen,
      'train/critic_loss': n > 0 ? this.epCritic / n : NaN,
      'train/actor_loss': this.epActorN > 0 ? this.epActor / this.epActorN : NaN,
      'train/q_mean': n > 0 ? this.epQ / n : NaN,
      'time/episodes': this.episodes + 1,
      'time/total_timesteps': this.steps,
      'time/updates': this.updates,
      'time/sps': dt > 0 ? (this.steps - s0) / dt : 0,
    };
  }

  /** What every agent's public evaluate() does: checks `episodes`, defaults `env` to a fresh built-in one. @internal */
  evaluateWith(episodes: number, env: Env | undefined): EvalRecord {
    checkEpisodes(episodes, 'evaluate: episodes');
    return this.evaluate(evalView(this.agent, env ?? defaultEvalEnv(this.agent.env, 'evaluate() needs an env argument'), 'evaluate: env'), episodes);
  }

  /** Runs the deterministic policy for `episodes` episodes on `env` (does not touch training streams). @internal */
  evaluate(env: Env, episodes: number): EvalRecord {
    const a = this.agent, out = new Float32Array(a.actDim);
    const returns: number[] = [];
    let lenSum = 0;
    for (let k = 0; k < episodes; k++) {
      let obs = env.reset(evalSeed(a.config.seed, k));
      checkObs(env, a.obsDim, obs, `evaluation episode ${k + 1}, reset()`);
      let ret = 0;
      // The cap guards custom envs whose step() never reports truncation.
      for (let t = 1; t <= env.maxEpisodeSteps; t++) {
        const res = env.step(a.act(obs, { out }));
        checkStep(env, a.obsDim, t, res, `evaluation episode ${k + 1}, `);
        ret += res.reward;
        lenSum++;
        if (res.terminated || res.truncated) break;
        obs = res.obs;
      }
      returns.push(ret);
    }
    const mean = returns.reduce((s, x) => s + x, 0) / episodes;
    const variance = returns.reduce((s, x) => s + (x - mean) * (x - mean), 0) / episodes;
    return {
      'eval/mean_return': mean,
      'eval/std_return': Math.sqrt(variance),
      'eval/returns': returns,
      'eval/mean_ep_len': lenSum / episodes,
      'time/total_timesteps': this.steps,
      'time/episodes': this.episodes,
    };
  }

  /** @internal */
  getState(): LoopState {
    return {
      steps: this.steps, episodes: this.episodes, updates: this.updates, started: this.started,
      obs: this.obs === null ? null : Array.from(this.obs), epReturn: this.epReturn, epLen: this.epLen,
      epUpdates: this.epUpdates, epCriticLoss: this.epCritic, epActorLoss: this.epActor, epActorUpdates: this.epActorN, epQ: this.epQ,
      // Only once an evaluation ran, so checkpoints of runs without evaluations keep their bytes.
      ...(this.bestMeanReturn > -Infinity ? { bestMeanReturn: this.bestMeanReturn } : {}),
    };
  }

  /** @internal */
  setState(s: LoopState): void {
    this.steps = s.steps;
    this.episodes = s.episodes;
    this.updates = s.updates;
    this.started = s.started;
    this.obs = s.obs === null ? null : Float32Array.from(s.obs);
    this.epReturn = s.epReturn;
    this.epLen = s.epLen;
    this.epUpdates = s.epUpdates;
    this.epCritic = s.epCriticLoss;
    this.epActor = s.epActorLoss;
    this.epActorN = s.epActorUpdates;
    this.epQ = s.epQ;
    this.bestMeanReturn = s.bestMeanReturn ?? -Infinity;
  }
}

/** Evaluation episodes per call: [1, 100000] (so a typo cannot start an endless evaluation). */
function checkEpisodes(n: number, field: string): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new RangeError(`${field} must be an integer in [1, 100000], got ${showValue(n)}`);
}

function checkLearnArgs(totalSteps: number, o: LearnOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError(`learn: options must be an object, got ${showValue(o)}`);
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 0) {
    throw new RangeError(`learn: totalSteps must be a non-negative integer, got ${showValue(totalSteps)}`);
  }
  const ee = o.evalEvery ?? 0;
  if (!Number.isSafeInteger(ee) || ee < 0) throw new RangeError(`learn: evalEvery must be a non-negative integer (0 = never), got ${showValue(ee)}`);
  checkEpisodes(o.evalEpisodes ?? EVAL_EPISODES, 'learn: evalEpisodes');
  if (ee > 0 && o.onEval === undefined && o.onNewBest === undefined) {
    throw new RangeError('learn: evalEvery > 0 needs an onEval or onNewBest callback');
  }
  // Before the first step: a bad callback would otherwise fail mid-run, after training state changed.
  for (const k of ['onStep', 'onEpisode', 'onEval', 'onNewBest'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'function') throw new TypeError(`learn: ${k} must be a function, got ${showValue(o[k])}`);
  }
}

/** An observation from a custom env must be obsDim finite float32 numbers (`where`: 'reset()' or 'step N'). */
function checkObs(env: Env, obsDim: number, o: unknown, where: string): asserts o is Float32Array {
  const obs = o as ArrayLike<unknown> | null | undefined;
  if (typeof obs !== 'object' || obs === null || obs.length !== obsDim) {
    throw new TypeError(`${showName(env.id)} returned an observation that is not ${obsDim} numbers (got ${showValue(o)}) at ${where}`);
  }
  for (let i = 0; i < obsDim; i++) {
    const v = obs[i];
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
      throw new RangeError(`${showName(env.id)} returned a non-finite observation (obs[${i}] = ${showValue(v)}) at ${where}`);
    }
  }
}

/** A custom env's step() result, checked at the boundary: nothing that is not a finite step is trained on. */
function checkStep(env: Env, obsDim: number, step: number, res: StepResult, where = ''): void {
  if (typeof res !== 'object' || res === null) throw new TypeError(`${showName(env.id)}.step() returned ${showValue(res)} at ${where}step ${step}, not { obs, reward, terminated, truncated }`);
  if (typeof res.reward !== 'number' || !Number.isFinite(res.reward)) {
    throw new RangeError(`${showName(env.id)} returned a non-finite reward (${showValue(res.reward)}) at ${where}step ${step}`);
  }
  for (const k of ['terminated', 'truncated'] as const) {
    if (typeof res[k] !== 'boolean') throw new TypeError(`${showName(env.id)} returned ${k} = ${showValue(res[k])} at ${where}step ${step}; it must be true or false`);
  }
  checkObs(env, obsDim, res.obs, `${where}step ${step}`);
}

/** An evaluation env must take the agent's actions and give its observations. */
function checkEvalEnv(a: Agent, env: Env, what: string): void {
  const o = env?.observationSpace?.shape?.[0], u = env?.actionSpace?.shape?.[0];
  if (typeof env?.reset !== 'function' || typeof env.step !== 'function' || o !== a.obsDim || u !== a.actDim) {
    throw new TypeError(`${what} must be an Env with ${a.obsDim}-dimensional observations and ${a.actDim}-dimensional actions ` +
      `like the training env ${a.env.id}, got ${env?.id === undefined ? showValue(env) : `${showName(env.id)} (obs ${showValue(o)}, action ${showValue(u)})`}`);
  }
  if (!(Number.isSafeInteger(env.maxEpisodeSteps) && env.maxEpisodeSteps >= 1)) {
    throw new TypeError(`${what}: ${showName(env.id)} has maxEpisodeSteps ${showValue(env.maxEpisodeSteps)}; it must be a positive integer (the time limit)`);
  }
}

/**
 * The env an evaluation runs on, checked: with a NormalizeEnv for training, a
 * plain env is wrapped in its frozen evaluation copy (shared statistics, the
 * env's own rewards).
 */
function evalView(a: Agent, env: Env, what: string): Env {
  checkEvalEnv(a, env, what);
  const n = normalizing(a.env);
  return n !== null && normalizing(env) === null ? n.evalEnv(env) : env;
}

/**
 * A fresh instance of a built-in env for evaluation: same id, time limit and
 * physics (e.g. Pendulum's g) as the training env, its own state. Custom envs
 * must pass their own (`what` names the option in the error).
 */
function defaultEvalEnv(env: Env, what = 'learn: evalEvery > 0 needs options.evalEnv'): Env {
  const options = builtinEnvOptions(env);
  if (options === null) throw new RangeError(`${what} for the custom environment "${showName(env.id)}"`);
  return makeEnv(env.id, options);
}
