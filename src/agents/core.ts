/**
 * The off-policy core: everything DDPG, TD3 and SAC share and none of their
 * algorithm. An algorithm extends OffPolicyAgent, plans its networks and
 * optimisers with network() / adam() / parameter() in its constructor, calls
 * commit(), initialises them (Alg. 1 lines 1–2), and writes update() and
 * policyAct(); the core supplies the rest:
 *
 * - one Arena (every tensor planned once, memory grown once) with the batch
 *   staging the replay buffer samples into (s, a, r, s′, done and the target y)
 *   and the observation staging of act();
 * - the generator streams (replay, noise, explore and the algorithm's own),
 *   all derived from config.seed;
 * - the replay buffer and the run loop (loop.ts), with exploration noise when
 *   the algorithm explores with it (`ActionNoise | null`: SAC samples its own
 *   policy and has none);
 * - act, learn, evaluate, weightsHash, save and load, the same for every
 *   algorithm (checkpoint layout in offpolicy-checkpoint.ts).
 *
 * The pieces are composed, not inherited from one another: TD3 is not a DDPG
 * with switches, each algorithm file holds its own honest update().
 */
import type { Env } from '../envs/env.js';
import { Arena, type Tensor } from '../kernels/arena.js';
import { createKernels, type Backend } from '../kernels/index.js';
import type { Kernels } from '../kernels/types.js';
import { Adam, type AdamOptions, type Trainable } from '../nn/adam.js';
import { hashFloat32Hex } from '../nn/hash-floats.js';
import { Network } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import { ReplayBuffer, type ReplayBatch } from '../rl/buffer.js';
import { createNoise, linearDecay, type ActionNoise } from '../rl/noise.js';
import { Rng } from '../rng.js';
import { stageObservation, writeAction } from './act.js';
import type { ActOptions, Agent, AgentParts, AlgoId, EvalRecord, LearnOptions, NetInfo, SaveKind, UpdateStats } from './agent.js';
import { type DecodedCheckpoint, openFull } from './checkpoint.js';
import { type ExplorationConfig, fail, type LearningRate, linStart, type OffPolicyConfig } from './config.js';
import { RunLoop } from './loop.js';
import { checkPlan, netInfo, restoreAgent, saveAgent } from './offpolicy-checkpoint.js';
import { showName, showValue } from '../show.js';

/** The minibatch staging: rows sampled from the buffer, and the target y the update computes. */
export interface Batch {
  /** s_i, N × obsDim. */
  readonly s: Tensor;
  /** a_i, N × actDim. */
  readonly a: Tensor;
  /** r_i, N. */
  readonly r: Tensor;
  /** s_{i+1}, N × obsDim. */
  readonly s2: Tensor;
  /** done_i: 1 where s_{i+1} is terminal (a time-limit truncation is not), N. */
  readonly done: Tensor;
  /** The regression target y_i, N (written by update()). */
  readonly y: Tensor;
}

/** What `static load` needs of an algorithm's class. */
interface AgentClass<T> {
  readonly algo: AlgoId;
  new (env: Env, options: object & { backend?: Backend }): T;
}

/**
 * The symmetric bound h of an action space [−h, h]^n (the actor's tanh × h).
 * Throws for anything that is not an Env with box spaces, reset(), step() and a
 * time limit, or for an asymmetric space.
 */
export function actionBound(env: Env): number {
  if (!(isBox(env?.observationSpace) && isBox(env.actionSpace))) {
    throw new TypeError(`env must be an Env with observationSpace and actionSpace boxes, got ${showValue(env)}`);
  }
  const { low, high } = env.actionSpace;
  const h = high[0]!;
  for (let i = 0; i < high.length; i++) {
    if (high[i] !== h || low[i] !== -h || !(h > 0 && Number.isFinite(h))) {
      throw new RangeError(
        `This agent needs a symmetric action space [−h, h] with the same finite h > 0 in every dimension (the actor outputs tanh × h); ` +
          `${env.id} has low=[${Array.from(low).join(', ')}] high=[${Array.from(high).join(', ')}]. Rescale the actions in a wrapper env.`);
    }
  }
  if (typeof env.reset !== 'function' || typeof env.step !== 'function') throw new TypeError(`env ${showName(env.id)} needs reset() and step() methods`);
  // The time limit caps every evaluation episode: without one an evaluation would measure nothing.
  if (!(Number.isSafeInteger(env.maxEpisodeSteps) && env.maxEpisodeSteps >= 1)) {
    throw new TypeError(`env ${showName(env.id)} has maxEpisodeSteps ${showValue(env.maxEpisodeSteps)}; it must be a positive integer (the time limit)`);
  }
  return h;
}

/** A Box: shape [n ≥ 1] and low/high arrays of n numbers (checkpoints and the checks below read them). */
function isBox(b: Env['actionSpace'] | undefined): boolean {
  const n = b?.shape?.[0], ok = (x: unknown): boolean => (Array.isArray(x) || ArrayBuffer.isView(x)) && (x as ArrayLike<unknown>).length === n;
  return Number.isSafeInteger(n) && n! >= 1 && ok(b!.low) && ok(b!.high);
}

/** An options argument must be an object (null would fail deep inside with an engine TypeError). */
function checkOptions(who: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${who}: options must be an object, got ${showValue(options)}`);
}

/** The key under which `static load` hands its checkpoint to the constructor: no public option can spell it. */
const FROM_FILE = Symbol('fromFile');

/** What an algorithm's constructor passes on to OffPolicyAgent's besides its config (from splitOptions). */
export interface AgentSetup {
  readonly backend: Backend;
  /** The checkpoint `static load` builds this agent from: commit() checks the planned blocks against it. @internal */
  readonly file: DecodedCheckpoint | null;
}

/**
 * `new Algo(env, options)`'s options split into the agent's setup (the kernel
 * backend; the checkpoint, when `static load` constructs) and the preset +
 * overrides that `resolve` checks (a non-object is refused by name).
 *
 * @internal
 */
export function splitOptions<O extends object>(algo: string, options: O & { readonly backend?: Backend }): { setup: AgentSetup; rest: O } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${algo} options must be an object, got ${showValue(options)}`);
  const { backend = 'wasm', [FROM_FILE]: file = null, ...rest } = options as O & { readonly backend?: Backend; readonly [FROM_FILE]?: DecodedCheckpoint };
  if (backend !== 'wasm' && backend !== 'reference') fail(algo, 'backend', backend, "'wasm' or 'reference'");
  return { setup: { backend, file }, rest: rest as O };
}

/** The generator streams every agent has; an algorithm adds its own names (S). */
type Streams<S extends string> = { readonly [K in 'replay' | 'noise' | 'explore' | S]: Rng };

export abstract class OffPolicyAgent<C extends OffPolicyConfig = OffPolicyConfig, S extends string = never> implements Agent {
  readonly algo: AlgoId;
  readonly config: C;
  readonly env: Env;
  readonly obsDim: number;
  readonly actDim: number;
  /** Action bound h: actions live in [−h, h]. */
  readonly actBound: number;
  readonly buffer: ReplayBuffer;
  /** The exploration noise 𝒩 of act({ explore: true }) (σ already in action units), or null. */
  readonly noise: ActionNoise | null;
  /** Generators, one stream each, all derived from config.seed. */
  readonly rngs: Streams<S>;
  /** Training progress (environment steps, episodes, gradient updates) and the episode in flight. */
  readonly loop: RunLoop;
  /** @internal */
  readonly parts: AgentParts;
  /** The kernels every tensor of this agent lives on. @internal */
  protected readonly kernels: Kernels;
  /** @internal */
  protected readonly batch: Batch;
  private readonly arena: Arena;
  private readonly obsStage: Tensor;
  /** The batch staging as the buffer's sample() target (made at commit, when views exist). @internal */
  private views: ReplayBatch | null = null;
  private readonly exploration: ExplorationConfig | null;
  private readonly noiseOut: Float32Array;
  private readonly params: { block: string; net: Network | null; tensor: Tensor }[] = [];
  private readonly optims: { block: string; adam: Adam }[] = [];
  /** The optimisers whose learning rate is "lin_X": X, and the Adam to set. */
  private readonly schedules: { readonly adam: Adam; readonly start: number }[] = [];
  private readonly stats = { criticLoss: 0, actorLoss: 0, actorUpdated: false, qMean: 0 };
  /** 'DDPG', 'TD3', 'SAC': prefixes errors. @internal */
  private readonly who: string;
  /** The checkpoint being loaded, until commit() has checked it. @internal */
  private fromFile: DecodedCheckpoint | null;

  /**
   * @param exploration the config's exploration fields, or null for an agent that explores otherwise (SAC)
   * @param streams the algorithm's own generator streams beside replay, noise and explore
   */
  protected constructor(algo: AlgoId, env: Env, config: C, setup: AgentSetup, exploration: ExplorationConfig | null, streams: readonly S[] = []) {
    this.algo = algo;
    this.who = algo.toUpperCase();
    this.config = config;
    this.env = env;
    this.actBound = actionBound(env); // first: it checks that env is an Env
    const o = (this.obsDim = env.observationSpace.shape[0]);
    const a = (this.actDim = env.actionSpace.shape[0]);
    const N = config.batchSize;
    // Alg. 1 lines 1–3: plan every tensor in one arena; the algorithm adds its networks, commit() grows memory once.
    this.fromFile = setup.file;
    this.arena = new Arena(createKernels(setup.backend));
    this.kernels = this.arena.kernels;
    const alloc = (name: string, floats: number): Tensor => this.arena.alloc(`batch.${name}`, floats);
    this.batch = { s: alloc('s', N * o), a: alloc('a', N * a), r: alloc('r', N), s2: alloc('s2', N * o), done: alloc('done', N), y: alloc('y', N) };
    this.obsStage = this.arena.alloc('act.obs', o);
    const rngs: Record<string, Rng> = {};
    for (const name of ['replay', 'noise', 'explore', ...streams]) rngs[name] = new Rng(config.seed, name);
    this.rngs = rngs as Streams<S>;
    this.exploration = exploration;
    this.noise = exploration === null ? null : createNoise(exploration.actionNoise, a, this.actBound);
    this.noiseOut = new Float32Array(a);
    this.buffer = new ReplayBuffer(config.bufferSize, o, a);
    this.loop = new RunLoop(this, exploration?.noiseResetOnEpisode ?? false);
    this.parts = { params: this.params, optims: this.optims, policy: () => this.policy() };
  }

  // ── planning (constructor only) ─────────────────────────────────────────────

  /**
   * A network for batches of config.batchSize, saved, loaded and hashed under
   * `block`. Networks are hashed and stored in the order they are made.
   *
   * @internal
   */
  protected network(block: string, spec: NetworkSpec, options: { trainable?: boolean; inputGrads?: readonly boolean[]; name?: string } = {}): Network {
    const net = new Network(this.arena, spec, { maxBatch: this.config.batchSize, name: block, ...options });
    this.params.push({ block, net, tensor: net.params });
    return net;
  }

  /** A free parameter vector of `size` floats with its gradient (SAC's log α), stored and hashed after the networks made before it. @internal */
  protected parameter(block: string, size: number): Trainable & { readonly params: Tensor; readonly grads: Tensor } {
    const params = this.arena.alloc(block, size), grads = this.arena.alloc(`${block}.grad`, size);
    this.params.push({ block, net: null, tensor: params });
    return { name: block, kernels: this.kernels, size, params, grads };
  }

  /** Adam on `target` (stored with it); `field` names the learning rate in errors; a "lin_X" rate is scheduled. @internal */
  protected adam(target: Trainable, options: Omit<AdamOptions, 'lr'> & { readonly lr: LearningRate }, field: string): Adam {
    const start = linStart(options.lr);
    const adam = new Adam(this.arena, target, { ...options, lr: start }, field);
    this.optims.push({ block: target.name, adam });
    if (typeof options.lr === 'string') {
      // A "lin_X" rate falls to 0 over scheduleSteps, which has no default (checked before memory grows).
      if (this.config.scheduleSteps === undefined) fail(this.algo.toUpperCase(), 'scheduleSteps', undefined, `an integer ≥ 1 with ${field} "lin_X"`);
      this.schedules.push({ adam, start });
    }
    return adam;
  }

  /** Sets every "lin_X" learning rate to X·(1 − min(1, steps/scheduleSteps)), SB3's progress_remaining·X (the loop calls it before each update). @internal */
  scheduleRates(steps: number): void {
    for (const s of this.schedules) s.adam.lr = s.start * linearDecay(steps, this.config.scheduleSteps!, 0);
  }

  /** A staging tensor of the algorithm's own (e.g. TD3's smoothed target action). @internal */
  protected tensor(name: string, floats: number): Tensor {
    return this.arena.alloc(name, floats);
  }

  /** Grows memory once for everything planned; returns the generator of the initial parameters. @internal */
  protected commit(): Rng {
    // Loading: a file whose config plans other networks than it stores is refused before memory grows.
    if (this.fromFile !== null) checkPlan(this, this.fromFile);
    this.fromFile = null; // not kept: the file's bytes are the caller's
    this.arena.commit();
    const b = this.batch;
    this.views = { obs: b.s.f32, action: b.a.f32, reward: b.r.f32, nextObs: b.s2.f32, done: b.done.f32 };
    return new Rng(this.config.seed, 'init');
  }

  // ── what each algorithm writes ──────────────────────────────────────────────

  /** One gradient step on a minibatch from the buffer (the algorithm's own). */
  abstract update(): UpdateStats;

  /** The action for the observation staged in `obs` (1 row), written to `out`: deterministic, or exploring. @internal */
  protected abstract policyAct(obs: Tensor, explore: boolean, out: Float32Array): Float32Array;

  /** The deterministic policy as Policy.load() runs it; by default the network stored as 'actor'. @internal */
  protected policy(): { info: NetInfo; params: Float32Array } {
    const actor = this.params.find((p) => p.block === 'actor')?.net;
    if (!actor) throw new Error(`${this.who}: no network is stored as 'actor'`);
    return { info: netInfo(actor), params: actor.getParams() };
  }

  // ── helpers for update() and policyAct() ────────────────────────────────────

  /** Alg. 1: sample a random minibatch of N transitions from R, uniformly with replacement, into the batch staging. @internal */
  protected sampleBatch(): Batch {
    if (this.buffer.size === 0) throw new Error(`${this.who}.update: the replay buffer is empty`);
    this.buffer.sample(this.config.batchSize, this.rngs.replay, this.views!);
    return this.batch;
  }

  /**
   * μ(s) of a deterministic actor, or while exploring clip(μ(s) + 𝒩, −h, h)
   * with the noise times the current schedule scale (no noise: μ(s)).
   *
   * @internal
   */
  protected deterministicAct(actor: Network, obs: Tensor, explore: boolean, out: Float32Array): Float32Array {
    const mu = actor.forward(1, obs.ptr);
    const noise = explore && this.noise !== null ? this.noise.sample(this.rngs.noise, this.noiseOut, this.noiseScale()) : null;
    return writeAction(mu.f32, out, noise, this.actBound);
  }

  /**
   * The stats of an update (one object, reused), once both losses are finite.
   * `actorLoss` null: no actor step this update.
   *
   * @internal
   */
  protected updated(criticLoss: number, actorLoss: number | null, qMean: number): UpdateStats {
    if (!Number.isFinite(criticLoss) || (actorLoss !== null && !Number.isFinite(actorLoss))) {
      this.nonFinite(`critic ${criticLoss}, actor ${actorLoss ?? 'not updated'}`);
    }
    const st = this.stats;
    st.criticLoss = criticLoss;
    st.actorLoss = actorLoss ?? NaN;
    st.actorUpdated = actorLoss !== null;
    st.qMean = qMean;
    return st;
  }

  /**
   * Refuses a non-finite loss before the step it drives is applied (the
   * gradients' own check in Adam runs next), so a failing update() leaves the
   * networks, moments and targets of that step untouched.
   *
   * @internal
   */
  protected finiteLoss(what: 'critic' | 'actor', loss: number): void {
    if (!Number.isFinite(loss)) this.nonFinite(`${what} ${loss}`);
  }

  /** Throws the error of an update that produced a non-finite number (`what` lists them). @internal */
  protected nonFinite(what: string): never {
    throw new Error(`${this.who}.update: non-finite loss (${what}) at update ${this.loop.updates + 1}; ` +
      'the learning rates may be too high or the rewards unbounded');
  }

  /** The exploration-noise multiplier now: linear from 1 to noiseFinalScale over noiseDecaySteps (1 without a schedule). */
  noiseScale(): number {
    const x = this.exploration;
    if (x === null || x.noiseFinalScale === 1) return 1;
    const f = Math.min(1, this.loop.steps / x.noiseDecaySteps);
    return 1 + (x.noiseFinalScale - 1) * f;
  }

  // ── the public API, shared ──────────────────────────────────────────────────

  /**
   * The action for one observation, in environment units: the deterministic
   * policy, or with `explore` the training behaviour (the algorithm's
   * exploration, clipped to the bounds). Allocation-free when `out` is given.
   */
  act(obs: ArrayLike<number>, options: ActOptions = {}): Float32Array {
    checkOptions(`${this.who}.act`, options);
    const out = stageObservation(`${this.who}.act`, obs, this.obsDim, this.obsStage.f32, 0, this.actDim, options.out);
    return this.policyAct(this.obsStage, options.explore === true, out);
  }

  /** Algorithm 1's outer loops for `totalSteps` environment steps; see LearnOptions. */
  learn(totalSteps: number, options: LearnOptions = {}): Promise<this> {
    return this.loop.learn(totalSteps, options).then(() => this);
  }

  /** Runs the deterministic policy for `episodes` episodes (default 10) on `env` (default: a fresh instance of a built-in env). */
  async evaluate(episodes = 10, env?: Env): Promise<EvalRecord> {
    return this.loop.evaluateWith(episodes, env);
  }

  /**
   * Fingerprint of the parameters: FNV-1a 32 (src/nn/hash.ts) over the
   * little-endian float32 bytes of every stored parameter block (the networks,
   * then free parameters such as SAC's log α) in the order the algorithm made
   * them, each in layout order (W row-major [fanIn, fanOut], then b, per layer;
   * zero padding included). 8 hex digits.
   */
  weightsHash(): string {
    return hashFloat32Hex(this.params.map((p) => p.tensor.f32));
  }

  /** Serialises the agent: 'full' (default; resumable training state) or 'policy' (the deterministic policy, readable by Policy.load). */
  save(options: { kind?: SaveKind } = {}): Uint8Array {
    checkOptions(`${this.who}.save`, options);
    const kind = options.kind ?? 'full';
    if (kind !== 'full' && kind !== 'policy') throw new RangeError(`${this.who}.save: kind must be 'full' or 'policy', got ${showValue(kind)}`);
    return saveAgent(this, kind);
  }

  /**
   * Restores a full checkpoint. `env` defaults to a fresh built-in env of the
   * saved id and options; a given env must match the saved spaces and receives
   * the saved mid-episode state. Refuses truncated, corrupted, wrong-version,
   * wrong-algorithm, wrong-env or policy-only files with a clear error, before
   * touching anything.
   */
  static load<T extends Agent>(this: AgentClass<T>, bytes: Uint8Array, env?: Env, options: { backend?: Backend } = {}): T {
    if (env !== undefined) actionBound(env); // a given env is checked before the file is read
    const { checkpoint, env: e, config } = openFull(bytes, this.algo, env);
    const fromFile: object = { [FROM_FILE]: checkpoint };
    const agent = new this(e, { ...(config as object), ...(options.backend ? { backend: options.backend } : {}), ...fromFile });
    restoreAgent(agent, checkpoint);
    return agent;
  }

  /** Kernel backend in use. */
  get backend(): Backend {
    return this.kernels.backend;
  }
}
