/**
 * DDPG — Deep Deterministic Policy Gradient (Lillicrap et al. 2015,
 * arXiv:1509.02971), as the Keras "DDPG on Pendulum" notebook implements it.
 *
 * Notation (code ↔ paper):
 *   actor        μ(s|θ^μ)        actorTarget   μ′(s|θ^μ′)
 *   critic       Q(s,a|θ^Q)      criticTarget  Q′(s,a|θ^Q′)
 *   gamma        γ               tau           τ
 *   batchSize    N               noise         𝒩 (Ornstein-Uhlenbeck by default)
 *   y            y_i             q             Q(s_i, a_i)
 *   qNext        Q′(s_{i+1}, μ′(s_{i+1}))      muNext  μ′(s_{i+1})
 *   dQda         ∇_a Q(s, a)|_{a=μ(s_i)}
 *
 * Algorithm 1 (paper), numbered as the comments in update() and learn() cite it:
 *   1  Randomly initialize critic Q(s,a|θ^Q) and actor μ(s|θ^μ)
 *   2  Initialize target networks Q′, μ′ with θ^Q′ ← θ^Q, θ^μ′ ← θ^μ
 *   3  Initialize replay buffer R
 *   4  for episode = 1, M do
 *   5    Initialize a random process 𝒩 for action exploration
 *   6    Receive initial observation state s_1
 *   7    for t = 1, T do
 *   8      Select action a_t = μ(s_t|θ^μ) + 𝒩_t
 *   9      Execute a_t, observe reward r_t and new state s_{t+1}
 *  10      Store transition (s_t, a_t, r_t, s_{t+1}) in R
 *  11      Sample a random minibatch of N transitions (s_i, a_i, r_i, s_{i+1}) from R
 *  12      Set y_i = r_i + γ·Q′(s_{i+1}, μ′(s_{i+1}|θ^μ′)|θ^Q′)
 *  13      Update critic by minimizing L = (1/N)·Σ_i (y_i − Q(s_i, a_i|θ^Q))²
 *  14      Update the actor using the sampled policy gradient
 *            ∇_θμ J ≈ (1/N)·Σ_i ∇_a Q(s,a|θ^Q)|_{s=s_i, a=μ(s_i)} · ∇_θμ μ(s|θ^μ)|_{s_i}
 *  15      Update the target networks: θ^Q′ ← τθ^Q + (1−τ)θ^Q′, θ^μ′ ← τθ^μ + (1−τ)θ^μ′
 *  16    end for
 *  17  end for
 *
 * Two corrections to the notebook (README, "Deviations"): line 12 is masked by
 * `terminated` (y_i = r_i + γ·(1 − d_i)·Q′(…)); episodes end on terminated OR
 * truncated, and truncation still bootstraps.
 */
import { Arena, type Block } from '../kernels/arena.js';
import { createKernels, type Backend } from '../kernels/index.js';
import { Adam } from '../nn/adam.js';
import { mse, negMeanQ } from '../nn/losses.js';
import { Network } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import type { Env } from '../envs/env.js';
import { Rng } from '../rng.js';
import { type DDPGConfig, type DDPGOptions, resolveConfig } from './config.js';
import { ReplayBuffer, type ReplayBatch } from '../rl/buffer.js';
import { stageObservation, writeAction } from './act.js';
import { createNoise, type ActionNoise } from './noise-factory.js';
import { RunLoop, type EvalRecord, type LearnOptions, type UpdateStats } from './loop.js';
import { hashFloat32Hex } from '../nn/hash.js';
import { openFull, type SaveKind } from './checkpoint.js';
import { type CheckpointParts, restoreAgent, saveAgent } from './offpolicy-checkpoint.js';

export interface ActOptions {
  /** Add exploration noise (training behaviour). Default false: the deterministic policy μ(s). */
  readonly explore?: boolean;
  /** Write the action here instead of allocating (length = action dimension). */
  readonly out?: Float32Array;
}

/** Specs of the two networks for a config and the env's dimensions. */
export function ddpgNetworks(c: DDPGConfig, obsDim: number, actDim: number, actBound: number): { actor: NetworkSpec; critic: NetworkSpec } {
  const paper = c.init === 'paper';
  const hidden = paper ? ({ kernelInit: 'fan-in-uniform', biasInit: 'fan-in-uniform' } as const) : {};
  const last = { kernelInit: { uniform: 3e-3 }, biasInit: paper ? { uniform: 3e-3 } : 'zeros' } as const;
  const relu = (units: number) => ({ units, activation: 'relu', ...hidden }) as const;
  return {
    actor: {
      inputs: [obsDim],
      layers: [...c.actorLayers.map(relu), { units: actDim, activation: 'tanh', scale: actBound, ...last }],
    },
    critic: {
      inputs: [obsDim, actDim],
      branches: [c.criticStateLayers.map(relu), c.criticActionLayers.map(relu)],
      // The notebook's critic output keeps Keras's default init; the paper's uses U(±3e-3).
      layers: [...c.criticLayers.map(relu), paper ? { units: 1, ...last } : { units: 1 }],
    },
  };
}

/** The symmetric bound h of an action space [−h, h]^n (the actor's tanh × h). */
export function actionBound(env: Env): number {
  if (!(env?.observationSpace?.shape[0] >= 1 && env.actionSpace?.shape[0] >= 1)) {
    throw new TypeError(`env must be an Env with observationSpace and actionSpace boxes, got ${String(env)}`);
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
  return h;
}

export class DDPG {
  readonly config: DDPGConfig;
  readonly env: Env;
  readonly obsDim: number;
  readonly actDim: number;
  /** Action bound h: actions live in [−h, h]. */
  readonly actBound: number;
  readonly actor: Network;
  readonly actorTarget: Network;
  readonly critic: Network;
  readonly criticTarget: Network;
  readonly actorOptim: Adam;
  readonly criticOptim: Adam;
  readonly buffer: ReplayBuffer;
  readonly noise: ActionNoise;
  /** Generators, one stream each, all derived from config.seed. */
  readonly rngs: { readonly replay: Rng; readonly noise: Rng; readonly explore: Rng };
  /** Training progress (environment steps, episodes, gradient updates) and the episode in flight. */
  readonly loop: RunLoop;
  private readonly arena: Arena;
  private readonly batch: { s: Block; a: Block; r: Block; s2: Block; d: Block; y: Block; obs1: Block };
  private readonly views: ReplayBatch;
  private readonly obsView: Float32Array;
  private readonly noiseOut: Float32Array;
  private readonly stats = { criticLoss: 0, actorLoss: 0, qMean: 0 };

  constructor(env: Env, options: DDPGOptions & { backend?: Backend } = {}) {
    const { backend = 'wasm', ...rest } = options;
    const c = resolveConfig(rest);
    this.config = c;
    this.env = env;
    this.actBound = actionBound(env); // first: it checks that env is an Env
    this.obsDim = env.observationSpace.shape[0];
    this.actDim = env.actionSpace.shape[0];
    const specs = ddpgNetworks(c, this.obsDim, this.actDim, this.actBound);
    // Alg. 1 lines 1–3: plan every tensor in one arena, grow memory once.
    const arena = new Arena(createKernels(backend));
    this.arena = arena;
    const N = c.batchSize;
    this.actor = new Network(arena, specs.actor, { maxBatch: N, name: 'actor' });
    this.actorTarget = new Network(arena, specs.actor, { maxBatch: N, trainable: false, name: 'actorTarget' });
    this.critic = new Network(arena, specs.critic, { maxBatch: N, inputGrads: [false, true], name: 'critic' });
    this.criticTarget = new Network(arena, specs.critic, { maxBatch: N, trainable: false, name: 'criticTarget' });
    const adam = { eps: c.adamEps, epsMode: c.adamEpsMode } as const;
    this.actorOptim = new Adam(arena, this.actor, { lr: c.actorLr, ...adam }, 'actorLr');
    this.criticOptim = new Adam(arena, this.critic, { lr: c.criticLr, weightDecay: c.criticWeightDecay, ...adam }, 'criticLr');
    const o = this.obsDim, a = this.actDim;
    this.batch = {
      s: arena.alloc('batch.s', N * o), a: arena.alloc('batch.a', N * a), r: arena.alloc('batch.r', N),
      s2: arena.alloc('batch.s2', N * o), d: arena.alloc('batch.d', N), y: arena.alloc('batch.y', N),
      obs1: arena.alloc('act.obs', o),
    };
    arena.commit();
    const b = this.batch;
    this.views = { obs: arena.f32(b.s), action: arena.f32(b.a), reward: arena.f32(b.r), nextObs: arena.f32(b.s2), done: arena.f32(b.d) };
    this.obsView = arena.f32(b.obs1);
    this.noiseOut = new Float32Array(a);
    this.rngs = { replay: new Rng(c.seed, 'replay'), noise: new Rng(c.seed, 'noise'), explore: new Rng(c.seed, 'explore') };
    const init = new Rng(c.seed, 'init');
    this.actor.init(init);
    this.critic.init(init);
    // Alg. 1 line 2: θ^Q′ ← θ^Q, θ^μ′ ← θ^μ
    this.actorTarget.copyFrom(this.actor);
    this.criticTarget.copyFrom(this.critic);
    this.buffer = new ReplayBuffer(c.bufferSize, o, a);
    this.noise = createNoise(c, a);
    this.loop = new RunLoop(this);
  }

  /**
   * The action for one observation, in environment units. Deterministic μ(s)
   * unless `explore` (then μ(s) + noise, clipped to the bounds, as the notebook's
   * policy()). Allocation-free when `out` is given.
   */
  act(obs: ArrayLike<number>, options: ActOptions = {}): Float32Array {
    const out = stageObservation('DDPG.act', obs, this.obsDim, this.obsView, 0, this.actDim, options.out);
    const y = this.actor.forward(1, this.batch.obs1.ptr) >> 2;
    const noise = options.explore ? this.noise.sample(this.rngs.noise, this.noiseOut, this.loop.noiseScale()) : null;
    return writeAction(this.actor.heap(), y, out, noise, this.actBound);
  }


  /**
   * One gradient step of Algorithm 1 (lines 11–15) on a minibatch from the
   * buffer. Returns the losses in an object reused by every call (no allocation
   * per update): copy the fields you want to keep.
   */
  update(): UpdateStats {
    const c = this.config, N = c.batchSize, B = this.batch, h = this.actor.heap();
    const { actor, critic, actorTarget, criticTarget } = this;
    if (this.buffer.size === 0) throw new Error('DDPG.update: the replay buffer is empty');
    // Alg. 1 line 11: N transitions, uniformly with replacement (np.random.choice)
    this.buffer.sample(N, this.rngs.replay, this.views);
    // Alg. 1 line 12: y_i = r_i + γ·(1 − d_i)·Q′(s_{i+1}, μ′(s_{i+1}))
    const muNext = actorTarget.forward(N, B.s2.ptr);
    const qNext = criticTarget.forward(N, B.s2.ptr, muNext) >> 2;
    const r = B.r.ptr >> 2, d = B.d.ptr >> 2, y = B.y.ptr >> 2;
    for (let i = 0; i < N; i++) h[y + i] = h[r + i]! + c.gamma * (1 - h[d + i]!) * h[qNext + i]!;
    // Alg. 1 line 13: minimise L = (1/N)·Σ (y_i − Q(s_i, a_i))²
    const q = critic.forward(N, B.s.ptr, B.a.ptr);
    const criticLoss = mse(h, N, q, B.y.ptr, critic.outputGradPtr);
    critic.backward(N, true);
    this.criticOptim.step();
    // Alg. 1 line 14: ascend (1/N)·Σ Q(s_i, μ(s_i)) through the updated critic;
    // backprop through the critic stops at its action input (dQda), no critic grads.
    const mu = actor.forward(N, B.s.ptr);
    const qPi = critic.forward(N, B.s.ptr, mu);
    const actorLoss = negMeanQ(h, N, qPi, critic.outputGradPtr);
    critic.backward(N, false);
    const dQda = critic.inputGrad[1]!;
    actor.kernels.copy(N * this.actDim, dQda.ptr, actor.outputGradPtr);
    actor.backward(N, true);
    this.actorOptim.step();
    // Alg. 1 line 15: θ′ ← τθ + (1 − τ)θ′
    actorTarget.polyakFrom(actor, c.tau);
    criticTarget.polyakFrom(critic, c.tau);
    if (!Number.isFinite(criticLoss) || !Number.isFinite(actorLoss)) {
      throw new Error(`DDPG.update: non-finite loss (critic ${criticLoss}, actor ${actorLoss}) at update ${this.loop.updates + 1}; ` +
        'the learning rates may be too high or the rewards unbounded');
    }
    let qSum = 0;
    for (let i = 0, qp = q >> 2; i < N; i++) qSum += h[qp + i]!;
    const st = this.stats;
    st.criticLoss = criticLoss;
    st.actorLoss = actorLoss;
    st.qMean = qSum / N;
    return st;
  }

  /** Algorithm 1's outer loops for `totalSteps` environment steps; see LearnOptions. */
  learn(totalSteps: number, options: LearnOptions = {}): Promise<this> {
    return this.loop.learn(totalSteps, options).then(() => this);
  }

  /** Runs the deterministic policy for `episodes` episodes (default 10) on `env` (default: a fresh instance). */
  async evaluate(episodes = 10, env?: Env): Promise<EvalRecord> {
    return this.loop.evaluateWith(episodes, env);
  }


  /**
   * Fingerprint of the parameters: FNV-1a 32 (src/nn/hash.ts) over the
   * little-endian float32 bytes of the actor, critic, target actor and target
   * critic parameter blocks, in that order, each in layout order (W row-major
   * [fanIn, fanOut], then b, per layer; zero padding included). 8 hex digits.
   */
  weightsHash(): string {
    const blocks = [this.actor, this.critic, this.actorTarget, this.criticTarget].map((n) => n.getParams());
    return hashFloat32Hex(blocks);
  }

  /** Serialises the agent: 'full' (default; resumable training state) or 'policy' (actor only). */
  save(options: { kind?: SaveKind } = {}): Uint8Array {
    return saveAgent(this.parts(), options.kind ?? 'full');
  }

  /**
   * Restores a full checkpoint. `env` defaults to a fresh built-in env of the
   * saved id; a given env must match the saved spaces and receives the saved
   * mid-episode state. Refuses truncated, corrupted, wrong-version, wrong-env or
   * policy-only files with a clear error, before touching anything.
   */
  static load(bytes: Uint8Array, env?: Env, options: { backend?: Backend } = {}): DDPG {
    const { checkpoint: c, env: e, config } = openFull(bytes, 'ddpg', env);
    const agent = new DDPG(e, { ...(config as DDPGConfig), ...(options.backend ? { backend: options.backend } : {}) });
    restoreAgent(agent.parts(), c);
    return agent;
  }

  /** Kernel backend in use. */
  get backend(): Backend {
    return this.actor.kernels.backend;
  }

  /** What a checkpoint holds (src/agents/offpolicy-checkpoint.ts). */
  private parts(): CheckpointParts {
    return {
      algo: 'ddpg', env: this.env, config: this.config,
      nets: [
        { block: 'actor', net: this.actor }, { block: 'critic', net: this.critic },
        { block: 'actorTarget', net: this.actorTarget }, { block: 'criticTarget', net: this.criticTarget },
      ],
      optims: [{ name: 'actor', adam: this.actorOptim }, { name: 'critic', adam: this.criticOptim }],
      rngs: this.rngs, noise: this.noise, buffer: this.buffer, loop: this.loop,
      policy: null, extraBlocks: [], extraState: null,
    };
  }
}

