/**
 * TD3 — Twin Delayed Deep Deterministic policy gradient (Fujimoto, van Hoof &
 * Meger 2018, "Addressing Function Approximation Error in Actor-Critic
 * Methods", arXiv:1802.09477). Read it as a diff of ddpg.ts: twin critics with
 * the minimum in the target, target policy smoothing, delayed actor and
 * target updates.
 *
 * Notation (code ↔ paper):
 *   actor          π_φ(s)            actorTarget     π_φ′(s)
 *   critic1/2      Q_θ1, Q_θ2        critic1/2Target Q_θ′1, Q_θ′2
 *   gamma          γ                 tau             τ
 *   batchSize      N                 policyDelay     d
 *   targetPolicyNoise  σ̃ (× h)       targetNoiseClip c (× h)
 *   actionNoise.sigma  σ (× h)       h               action bound (actBound)
 *   aNext          ã                 y               y
 *   q1, q2         Q_θ1(s, a), Q_θ2(s, a)            dQda  ∇_a Q_θ1(s, a)|_{a=π_φ(s)}
 *
 * Algorithm 1 (paper), numbered as the comments below cite it:
 *   1  Initialize critic networks Q_θ1, Q_θ2, and actor network π_φ with random parameters θ1, θ2, φ
 *   2  Initialize target networks θ′1 ← θ1, θ′2 ← θ2, φ′ ← φ
 *   3  Initialize replay buffer B
 *   4  for t = 1 to T do
 *   5    Select action with exploration noise a ~ π_φ(s) + ε, ε ~ N(0, σ),
 *          and observe reward r and new state s′
 *   6    Store transition tuple (s, a, r, s′) in B
 *   7    Sample mini-batch of N transitions (s, a, r, s′) from B
 *   8    ã ← π_φ′(s′) + ε,  ε ~ clip(N(0, σ̃), −c, c)
 *   9    y ← r + γ·min_{i=1,2} Q_θ′i(s′, ã)
 *  10    Update critics θ_i ← argmin_θi N⁻¹·Σ (y − Q_θi(s, a))²
 *  11    if t mod d then
 *  12      Update φ by the deterministic policy gradient:
 *  13        ∇_φ J(φ) = N⁻¹·Σ ∇_a Q_θ1(s, a)|_{a=π_φ(s)} · ∇_φ π_φ(s)
 *  14      Update target networks:
 *  15        θ′_i ← τθ_i + (1 − τ)θ′_i
 *  16        φ′ ← τφ + (1 − τ)φ′
 *  17    end if
 *  18  end for
 *
 * As in the authors' code (and SB3): t counts critic updates; line 10 is one
 * Adam step on MSE(Q1, y) + MSE(Q2, y); ã is clipped to the action bounds after
 * line 8; line 9 is masked by `terminated` (y = r + γ·(1 − d)·min Q′), and a
 * time-limit truncation still bootstraps; actions are clipped to the bounds
 * after line 5. Lines 4–6 live in loop.ts (RunLoop), lines 7–17 in update().
 */
import { Arena, type Block } from '../kernels/arena.js';
import { createKernels, type Backend } from '../kernels/index.js';
import { Adam } from '../nn/adam.js';
import { mse, negMeanQ } from '../nn/losses.js';
import { Network } from '../nn/network.js';
import type { DenseSpec, NetworkSpec } from '../nn/spec.js';
import type { Env } from '../envs/env.js';
import { Rng } from '../rng.js';
import { ReplayBuffer, type ReplayBatch } from '../rl/buffer.js';
import { actionBound, type ActOptions } from './ddpg.js';
import { stageObservation, writeAction } from './act.js';
import { createNoise, type ActionNoise } from './noise-factory.js';
import { RunLoop, type EvalRecord, type LearnOptions, type UpdateStats } from './loop.js';
import { hashFloat32Hex } from '../nn/hash.js';
import { openFull, type SaveKind } from './checkpoint.js';
import { type CheckpointParts, restoreAgent, saveAgent } from './offpolicy-checkpoint.js';
import { type TD3Config, type TD3Options, resolveTD3Config } from './td3-config.js';

/** PyTorch's nn.Linear default init, U(±1/√fanIn) for W and b, as the authors' code uses. */
const TORCH_INIT = { kernelInit: 'fan-in-uniform', biasInit: 'fan-in-uniform' } as const;
const relu = (units: number): DenseSpec => ({ units, activation: 'relu', ...TORCH_INIT });

/** Specs of the actor π(s) = h·tanh(·) and a critic Q(s, a) (state and action concatenated at the input). */
export function td3Networks(c: Pick<TD3Config, 'actorLayers' | 'criticLayers'>, obsDim: number, actDim: number, actBound: number): { actor: NetworkSpec; critic: NetworkSpec } {
  return {
    actor: { inputs: [obsDim], layers: [...c.actorLayers.map(relu), { units: actDim, activation: 'tanh', scale: actBound, ...TORCH_INIT }] },
    critic: { inputs: [obsDim, actDim], layers: [...c.criticLayers.map(relu), { units: 1, ...TORCH_INIT }] },
  };
}

export class TD3 {
  readonly config: TD3Config;
  readonly env: Env;
  readonly obsDim: number;
  readonly actDim: number;
  /** Action bound h: actions live in [−h, h]. */
  readonly actBound: number;
  readonly actor: Network;
  readonly actorTarget: Network;
  readonly critic1: Network;
  readonly critic2: Network;
  readonly critic1Target: Network;
  readonly critic2Target: Network;
  readonly actorOptim: Adam;
  readonly critic1Optim: Adam;
  readonly critic2Optim: Adam;
  readonly buffer: ReplayBuffer;
  /** Exploration noise ε of line 5 (σ already multiplied by h). */
  readonly noise: ActionNoise;
  /** Generators, one stream each, all derived from config.seed. */
  readonly rngs: { readonly replay: Rng; readonly noise: Rng; readonly explore: Rng; readonly smoothing: Rng };
  /** Training progress (environment steps, episodes, gradient updates) and the episode in flight. */
  readonly loop: RunLoop;
  private readonly stats = { criticLoss: 0, actorLoss: 0, qMean: 0 };
  private readonly batch: { s: Block; a: Block; r: Block; s2: Block; d: Block; y: Block; aNext: Block; obs1: Block };
  private readonly views: ReplayBatch;
  private readonly obsView: Float32Array;
  private readonly noiseOut: Float32Array;
  /** The loss of the last delayed actor step (NaN before the first), reported by the updates in between. */
  private actorLoss = NaN;

  constructor(env: Env, options: TD3Options & { backend?: Backend } = {}) {
    const { backend = 'wasm', ...rest } = options;
    const c = resolveTD3Config(rest);
    this.config = c;
    this.env = env;
    this.actBound = actionBound(env); // first: it checks that env is an Env
    this.obsDim = env.observationSpace.shape[0];
    this.actDim = env.actionSpace.shape[0];
    const o = this.obsDim, a = this.actDim, N = c.batchSize;
    const specs = td3Networks(c, o, a, this.actBound);
    // Alg. 1 lines 1–3: plan every tensor in one arena, grow memory once.
    const arena = new Arena(createKernels(backend));
    this.actor = new Network(arena, specs.actor, { maxBatch: N, name: 'actor' });
    this.actorTarget = new Network(arena, specs.actor, { maxBatch: N, trainable: false, name: 'actorTarget' });
    // Only Q_θ1 feeds the actor's gradient (line 13), so only it keeps ∂Q/∂a.
    this.critic1 = new Network(arena, specs.critic, { maxBatch: N, inputGrads: [false, true], name: 'critic1' });
    this.critic2 = new Network(arena, specs.critic, { maxBatch: N, name: 'critic2' });
    this.critic1Target = new Network(arena, specs.critic, { maxBatch: N, trainable: false, name: 'critic1Target' });
    this.critic2Target = new Network(arena, specs.critic, { maxBatch: N, trainable: false, name: 'critic2Target' });
    const adam = { eps: c.adamEps, epsMode: 'pytorch' } as const;
    this.actorOptim = new Adam(arena, this.actor, { lr: c.actorLr, ...adam }, 'actorLr');
    this.critic1Optim = new Adam(arena, this.critic1, { lr: c.criticLr, ...adam }, 'criticLr');
    this.critic2Optim = new Adam(arena, this.critic2, { lr: c.criticLr, ...adam }, 'criticLr');
    this.batch = {
      s: arena.alloc('batch.s', N * o), a: arena.alloc('batch.a', N * a), r: arena.alloc('batch.r', N),
      s2: arena.alloc('batch.s2', N * o), d: arena.alloc('batch.d', N), y: arena.alloc('batch.y', N),
      aNext: arena.alloc('batch.aNext', N * a), obs1: arena.alloc('act.obs', o),
    };
    arena.commit();
    const b = this.batch;
    this.views = { obs: arena.f32(b.s), action: arena.f32(b.a), reward: arena.f32(b.r), nextObs: arena.f32(b.s2), done: arena.f32(b.d) };
    this.obsView = arena.f32(b.obs1);
    this.noiseOut = new Float32Array(a);
    this.rngs = {
      replay: new Rng(c.seed, 'replay'), noise: new Rng(c.seed, 'noise'),
      explore: new Rng(c.seed, 'explore'), smoothing: new Rng(c.seed, 'smoothing'),
    };
    const init = new Rng(c.seed, 'init');
    this.actor.init(init);
    this.critic1.init(init);
    this.critic2.init(init);
    // Alg. 1 line 2: θ′_i ← θ_i, φ′ ← φ
    this.actorTarget.copyFrom(this.actor);
    this.critic1Target.copyFrom(this.critic1);
    this.critic2Target.copyFrom(this.critic2);
    this.buffer = new ReplayBuffer(c.bufferSize, o, a);
    const n = c.actionNoise;
    this.noise = createNoise({ actionNoise: n.type === 'none' ? n : { ...n, sigma: n.sigma * this.actBound } }, a);
    this.loop = new RunLoop(this);
  }

  /**
   * The action for one observation, in environment units: π(s), or with
   * `explore` clip(π(s) + ε, −h, h) (Alg. 1 line 5). Allocation-free when `out` is given.
   */
  act(obs: ArrayLike<number>, options: ActOptions = {}): Float32Array {
    const out = stageObservation('TD3.act', obs, this.obsDim, this.obsView, 0, this.actDim, options.out);
    const y = this.actor.forward(1, this.batch.obs1.ptr) >> 2;
    const noise = options.explore ? this.noise.sample(this.rngs.noise, this.noiseOut, this.loop.noiseScale()) : null;
    return writeAction(this.actor.heap(), y, out, noise, this.actBound);
  }


  /** One critic update of Algorithm 1 (lines 7–10), plus the delayed lines 11–17 every d-th call. */
  update(): UpdateStats {
    const c = this.config, N = c.batchSize, A = this.actDim, B = this.batch, h = this.actor.heap();
    const { actor, actorTarget, critic1, critic2, critic1Target, critic2Target } = this;
    if (this.buffer.size === 0) throw new Error('TD3.update: the replay buffer is empty');
    // Alg. 1 line 7: N transitions, uniformly with replacement
    this.buffer.sample(N, this.rngs.replay, this.views);
    // Alg. 1 line 8: ã = clip(π_φ′(s′) + clip(h·σ̃·N(0, 1), −h·c, h·c), −h, h)
    const muNext = actorTarget.forward(N, B.s2.ptr) >> 2, aNext = B.aNext.ptr >> 2;
    const bound = this.actBound, sigma = c.targetPolicyNoise * bound, clip = c.targetNoiseClip * bound, rng = this.rngs.smoothing;
    for (let i = 0; i < N * A; i++) {
      let eps = sigma * rng.normal();
      eps = eps < -clip ? -clip : eps > clip ? clip : eps;
      const v = h[muNext + i]! + eps;
      h[aNext + i] = v < -bound ? -bound : v > bound ? bound : v;
    }
    // Alg. 1 line 9: y = r + γ·(1 − d)·min(Q_θ′1(s′, ã), Q_θ′2(s′, ã))
    const q1Next = critic1Target.forward(N, B.s2.ptr, B.aNext.ptr) >> 2;
    const q2Next = critic2Target.forward(N, B.s2.ptr, B.aNext.ptr) >> 2;
    const r = B.r.ptr >> 2, d = B.d.ptr >> 2, y = B.y.ptr >> 2;
    for (let i = 0; i < N; i++) {
      const qa = h[q1Next + i]!, qb = h[q2Next + i]!;
      h[y + i] = h[r + i]! + c.gamma * (1 - h[d + i]!) * (qa < qb ? qa : qb);
    }
    // Alg. 1 line 10: minimise MSE(Q_θ1(s, a), y) + MSE(Q_θ2(s, a), y)
    const q1 = critic1.forward(N, B.s.ptr, B.a.ptr);
    const q2 = critic2.forward(N, B.s.ptr, B.a.ptr);
    let qSum = 0;
    for (let i = 0, qp = q1 >> 2; i < N; i++) qSum += h[qp + i]!;
    const criticLoss = mse(h, N, q1, B.y.ptr, critic1.outputGradPtr) + mse(h, N, q2, B.y.ptr, critic2.outputGradPtr);
    critic1.backward(N, true);
    critic2.backward(N, true);
    this.critic1Optim.step();
    this.critic2Optim.step();
    // Alg. 1 line 11: t counts critic updates (the Adam step counter)
    if (this.critic1Optim.steps % c.policyDelay === 0) {
      // Alg. 1 lines 12–13: ascend N⁻¹·Σ Q_θ1(s, π_φ(s)); backprop through Q_θ1 stops at dQda
      const mu = actor.forward(N, B.s.ptr);
      const qPi = critic1.forward(N, B.s.ptr, mu);
      this.actorLoss = negMeanQ(h, N, qPi, critic1.outputGradPtr);
      critic1.backward(N, false);
      const dQda = critic1.inputGrad[1]!;
      actor.kernels.copy(N * A, dQda.ptr, actor.outputGradPtr);
      actor.backward(N, true);
      this.actorOptim.step();
      // Alg. 1 lines 14–16: θ′ ← τθ + (1 − τ)θ′
      critic1Target.polyakFrom(critic1, c.tau);
      critic2Target.polyakFrom(critic2, c.tau);
      actorTarget.polyakFrom(actor, c.tau);
    }
    if (!Number.isFinite(criticLoss) || (this.actorOptim.steps > 0 && !Number.isFinite(this.actorLoss))) {
      throw new Error(`TD3.update: non-finite loss (critic ${criticLoss}, actor ${this.actorLoss}) at update ${this.critic1Optim.steps}; ` +
        'the learning rates may be too high or the rewards unbounded');
    }
    const st = this.stats; // reused: no allocation per update
    st.criticLoss = criticLoss;
    st.actorLoss = this.actorLoss;
    st.qMean = qSum / N;
    return st;
  }

  /** Algorithm 1's loop (lines 4–6) for `totalSteps` environment steps; see LearnOptions. */
  learn(totalSteps: number, options: LearnOptions = {}): Promise<this> {
    return this.loop.learn(totalSteps, options).then(() => this);
  }

  /** Runs the deterministic policy π(s) for `episodes` episodes (default 10) on `env` (default: a fresh instance). */
  async evaluate(episodes = 10, env?: Env): Promise<EvalRecord> {
    return this.loop.evaluateWith(episodes, env);
  }


  /**
   * Fingerprint of the parameters: FNV-1a 32 (src/nn/hash.ts) over the
   * little-endian float32 parameter blocks of actor, critic1, critic2,
   * actorTarget, critic1Target, critic2Target, in that order. 8 hex digits.
   */
  weightsHash(): string {
    const nets = [this.actor, this.critic1, this.critic2, this.actorTarget, this.critic1Target, this.critic2Target];
    return hashFloat32Hex(nets.map((n) => n.getParams()));
  }

  /** Serialises the agent: 'full' (default; resumable training state) or 'policy' (π only, readable by Policy.load). */
  save(options: { kind?: SaveKind } = {}): Uint8Array {
    return saveAgent(this.parts(), options.kind ?? 'full');
  }

  /**
   * Restores a full checkpoint (see DDPG.load for the rules: `env` defaults to a
   * fresh built-in env of the saved id; broken or foreign files are refused
   * before anything is touched).
   */
  static load(bytes: Uint8Array, env?: Env, options: { backend?: Backend } = {}): TD3 {
    const { checkpoint: c, env: e, config } = openFull(bytes, 'td3', env);
    const agent = new TD3(e, { ...(config as TD3Config), ...(options.backend ? { backend: options.backend } : {}) });
    restoreAgent(agent.parts(), c);
    return agent;
  }

  /** Kernel backend in use. */
  get backend(): Backend {
    return this.actor.kernels.backend;
  }

  private parts(): CheckpointParts {
    return {
      algo: 'td3', env: this.env, config: this.config,
      nets: [
        { block: 'actor', net: this.actor }, { block: 'critic1', net: this.critic1 }, { block: 'critic2', net: this.critic2 },
        { block: 'actorTarget', net: this.actorTarget }, { block: 'critic1Target', net: this.critic1Target },
        { block: 'critic2Target', net: this.critic2Target },
      ],
      optims: [{ name: 'actor', adam: this.actorOptim }, { name: 'critic1', adam: this.critic1Optim }, { name: 'critic2', adam: this.critic2Optim }],
      rngs: this.rngs, noise: this.noise, buffer: this.buffer, loop: this.loop, policy: null, extraBlocks: [],
      extraState: {
        get: () => ({ actorLoss: Number.isFinite(this.actorLoss) ? this.actorLoss : null }),
        set: (s: unknown) => {
          const v = (s as { actorLoss?: unknown } | null)?.actorLoss;
          this.actorLoss = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
        },
      },
    };
  }
}
