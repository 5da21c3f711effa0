/**
 * SAC — Soft Actor-Critic with automatic entropy tuning (Haarnoja, Zhou,
 * Hartikainen, Tucker, Ha, Tan, Kumar, Zhu, Gupta, Abbeel & Levine 2018,
 * "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905).
 *
 * Notation (code ↔ paper):
 *   actor            π_φ(a|s): outputs [μ | log σ] per row; a = h·tanh(μ + σ·ε)
 *   critic1/2        Q_θ1, Q_θ2           critic1/2Target  Q_θ̄1, Q_θ̄2
 *   alpha            α (learned as log α) targetEntropy    H̄ (−|A| by default)
 *   gamma            γ                    tau              τ
 *   actorLr, criticLr, alphaLr           λ_π, λ_Q, λ
 *   eps              ε ~ N(0, I)          logp             log π_φ(a|s)
 *   y                Q̂ = r + γ·(min_i Q_θ̄i(s′, a′) − α·log π_φ(a′|s′)),  a′ ~ π_φ(·|s′)
 *
 * Algorithm 1 (paper), numbered as the comments below cite it:
 *   1  Input: θ1, θ2, φ                                  ▷ initial parameters
 *   2  θ̄1 ← θ1, θ̄2 ← θ2                                 ▷ initialize target network weights
 *   3  D ← ∅                                             ▷ initialize an empty replay pool
 *   4  for each iteration do
 *   5    for each environment step do
 *   6      a_t ~ π_φ(a_t|s_t)                            ▷ sample action from the policy
 *   7      s_{t+1} ~ p(s_{t+1}|s_t, a_t)                 ▷ sample transition from the environment
 *   8      D ← D ∪ {(s_t, a_t, r(s_t, a_t), s_{t+1})}    ▷ store the transition in the replay pool
 *   9    end for
 *  10    for each gradient step do
 *  11      θ_i ← θ_i − λ_Q·∇̂_θi J_Q(θ_i) for i ∈ {1, 2}  ▷ update the Q-function parameters
 *  12      φ ← φ − λ_π·∇̂_φ J_π(φ)                         ▷ update policy weights
 *  13      α ← α − λ·∇̂_α J(α)                             ▷ adjust temperature
 *  14      θ̄_i ← τθ_i + (1 − τ)θ̄_i for i ∈ {1, 2}        ▷ update target network weights
 *  15    end for
 *  16  end for
 *
 * with (eqs. 5, 7, 18 and §5; the minimum of the two Q-functions is used in
 * both the target and the policy objective, §6):
 *   J_Q(θ) = E[½·(Q_θ(s, a) − Q̂)²]
 *   J_π(φ) = E[α·log π_φ(f_φ(ε; s)|s) − min_i Q_θi(s, f_φ(ε; s))]
 *   J(α)   = E[−α·log π(a|s) − α·H̄]
 *
 * Implementation choices, as SB3 and the authors' softlearning make them:
 * log α is the optimised variable (∂J/∂log α = −mean(log π + H̄)); the α used
 * in a step's losses is the value at the start of the step; J(α) reuses the
 * log π of line 12's sample; log σ is clamped to [−20, 2] (SB3
 * sac/policies.py LOG_STD_MIN/MAX; Spinning Up sac/core.py); Q̂ is masked by
 * `terminated`, truncation bootstraps. The Gaussian sampling, log π with the
 * tanh correction and their gradients run in wasm (assembly/sac.ts). Lines 5–9
 * live in loop.ts (RunLoop), lines 10–15 in update().
 */
import { Arena, type Block } from '../kernels/arena.js';
import { createKernels, type Backend } from '../kernels/index.js';
import { detMath } from '../kernels/loader.js';
import type { Kernels } from '../kernels/types.js';
import { Adam } from '../nn/adam.js';
import { Network, networkLayout } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import type { Env } from '../envs/env.js';
import { Rng } from '../rng.js';
import { ReplayBuffer, type ReplayBatch } from '../rl/buffer.js';
import { actionBound, type ActOptions } from './ddpg.js';
import { stageObservation } from './act.js';
import { createNoise } from './noise-factory.js';
import { RunLoop, type EvalRecord, type LearnOptions, type UpdateStats } from './loop.js';
import { hashFloat32Hex } from '../nn/hash.js';
import { type NetInfo, openFull, type SaveKind } from './checkpoint.js';
import { type CheckpointParts, restoreAgent, saveAgent } from './offpolicy-checkpoint.js';
import { type SACConfig, type SACOptions, resolveSACConfig } from './sac-config.js';
import { td3Networks } from './td3.js';

/** Clamp of the actor's log σ output: SB3 (sac/policies.py) and Spinning Up (sac/core.py) use [−20, 2]. */
export const LOG_STD_MIN = -20;
export const LOG_STD_MAX = 2;
/** Adam β1, β2: the defaults of Kingma & Ba, PyTorch and SB3 (also those of nn/adam.ts). */
const BETA1 = 0.9;
const BETA2 = 0.999;

/** Specs of the Gaussian actor (outputs [μ | log σ], 2·|A| linear units) and a critic Q(s, a). */
export function sacNetworks(c: Pick<SACConfig, 'actorLayers' | 'criticLayers'>, obsDim: number, actDim: number): { actor: NetworkSpec; critic: NetworkSpec } {
  // td3Networks' actor with its tanh × h output layer replaced by a linear 2·|A| one.
  const { actor, critic } = td3Networks(c, obsDim, actDim, 1);
  const hidden = actor.layers.slice(0, -1);
  const last = actor.layers[actor.layers.length - 1]!;
  return { actor: { inputs: actor.inputs, layers: [...hidden, { units: 2 * actDim, kernelInit: last.kernelInit!, biasInit: last.biasInit! }] }, critic };
}

/**
 * The temperature: log α in a 4-float arena block [log α, ∂J/∂log α, m, v],
 * moved by the Adam kernel with the bias correction of nn/adam.ts (PyTorch's
 * ε placement, like every SAC reference implementation).
 */
class Temperature {
  readonly block: Block;
  private t = 0;
  private b1t = 1;
  private b2t = 1;

  constructor(arena: Arena, private readonly lr: number, private readonly eps: number) {
    this.block = arena.alloc('temperature', 4);
  }

  init(h: Float32Array, alpha0: number): void {
    h.fill(0, this.block.ptr >> 2, (this.block.ptr >> 2) + 4);
    h[this.block.ptr >> 2] = detMath().log(alpha0);
  }

  logAlpha(h: Float32Array): number {
    return h[this.block.ptr >> 2]!;
  }

  /** One Adam step on log α with gradient g. */
  step(K: Kernels, h: Float32Array, g: number): void {
    this.t++;
    // float32 β in the powers, as nn/adam.ts (the kernel runs with float32 β).
    this.b1t *= Math.fround(BETA1);
    this.b2t *= Math.fround(BETA2);
    const c2 = Math.sqrt(1 - this.b2t);
    const p = this.block.ptr;
    h[(p >> 2) + 1] = g;
    K.adam(1, p, p + 4, p + 8, p + 12, BETA1, BETA2, (this.lr * c2) / (1 - this.b1t), this.eps * c2, 0);
  }

  getState(): { t: number; beta1Power: number; beta2Power: number } {
    return { t: this.t, beta1Power: this.b1t, beta2Power: this.b2t };
  }

  setState(s: unknown): void {
    const st = s as { t?: unknown; beta1Power?: unknown; beta2Power?: unknown } | null;
    const ok = Number.isSafeInteger(st?.t) && (st!.t as number) >= 0 &&
      [st?.beta1Power, st?.beta2Power].every((x) => typeof x === 'number' && x >= 0 && x <= 1);
    if (!ok) throw new Error('ddpg-wasm checkpoint refused: malformed temperature state');
    this.t = st!.t as number;
    this.b1t = st!.beta1Power as number;
    this.b2t = st!.beta2Power as number;
  }
}

export class SAC {
  readonly config: SACConfig;
  readonly env: Env;
  readonly obsDim: number;
  readonly actDim: number;
  /** Action bound h: actions live in [−h, h]. */
  readonly actBound: number;
  /** H̄ in nats. */
  readonly targetEntropy: number;
  readonly actor: Network;
  readonly critic1: Network;
  readonly critic2: Network;
  readonly critic1Target: Network;
  readonly critic2Target: Network;
  readonly actorOptim: Adam;
  readonly critic1Optim: Adam;
  readonly critic2Optim: Adam;
  readonly buffer: ReplayBuffer;
  /** Generators, one stream each, all derived from config.seed. */
  readonly rngs: { readonly replay: Rng; readonly noise: Rng; readonly explore: Rng; readonly update: Rng };
  /** Training progress (environment steps, episodes, gradient updates) and the episode in flight. */
  readonly loop: RunLoop;
  private readonly stats = { criticLoss: 0, actorLoss: 0, qMean: 0 };
  private readonly kernels: Kernels;
  private readonly temperature: Temperature;
  private readonly batch: {
    s: Block; a: Block; r: Block; s2: Block; d: Block; y: Block; eps: Block; aPi: Block; logp: Block;
    obs1: Block; eps1: Block; act1: Block; logp1: Block;
  };
  private readonly views: ReplayBatch;
  private readonly obsView: Float32Array;

  constructor(env: Env, options: SACOptions & { backend?: Backend } = {}) {
    const { backend = 'wasm', ...rest } = options;
    const c = resolveSACConfig(rest);
    this.config = c;
    this.env = env;
    this.actBound = actionBound(env); // first: it checks that env is an Env
    this.obsDim = env.observationSpace.shape[0];
    this.actDim = env.actionSpace.shape[0];
    this.targetEntropy = c.targetEntropy === 'auto' ? -this.actDim : c.targetEntropy;
    const o = this.obsDim, a = this.actDim, N = c.batchSize;
    const specs = sacNetworks(c, o, a);
    // Alg. 1 lines 1–3: plan every tensor in one arena, grow memory once.
    const arena = new Arena(createKernels(backend));
    this.kernels = arena.kernels;
    this.actor = new Network(arena, specs.actor, { maxBatch: N, name: 'actor' });
    // Both critics feed J_π through the minimum, so both keep ∂Q/∂a.
    this.critic1 = new Network(arena, specs.critic, { maxBatch: N, inputGrads: [false, true], name: 'critic1' });
    this.critic2 = new Network(arena, specs.critic, { maxBatch: N, inputGrads: [false, true], name: 'critic2' });
    this.critic1Target = new Network(arena, specs.critic, { maxBatch: N, trainable: false, name: 'critic1Target' });
    this.critic2Target = new Network(arena, specs.critic, { maxBatch: N, trainable: false, name: 'critic2Target' });
    const adam = { eps: c.adamEps, epsMode: 'pytorch' } as const;
    this.actorOptim = new Adam(arena, this.actor, { lr: c.actorLr, ...adam }, 'actorLr');
    this.critic1Optim = new Adam(arena, this.critic1, { lr: c.criticLr, ...adam }, 'criticLr');
    this.critic2Optim = new Adam(arena, this.critic2, { lr: c.criticLr, ...adam }, 'criticLr');
    this.temperature = new Temperature(arena, c.alphaLr, c.adamEps);
    this.batch = {
      s: arena.alloc('batch.s', N * o), a: arena.alloc('batch.a', N * a), r: arena.alloc('batch.r', N),
      s2: arena.alloc('batch.s2', N * o), d: arena.alloc('batch.d', N), y: arena.alloc('batch.y', N),
      eps: arena.alloc('batch.eps', N * a), aPi: arena.alloc('batch.aPi', N * a), logp: arena.alloc('batch.logp', N),
      obs1: arena.alloc('act.obs', o), eps1: arena.alloc('act.eps', a), act1: arena.alloc('act.action', a), logp1: arena.alloc('act.logp', 1),
    };
    arena.commit();
    const b = this.batch;
    this.views = { obs: arena.f32(b.s), action: arena.f32(b.a), reward: arena.f32(b.r), nextObs: arena.f32(b.s2), done: arena.f32(b.d) };
    this.obsView = arena.f32(b.obs1);
    this.rngs = {
      replay: new Rng(c.seed, 'replay'), noise: new Rng(c.seed, 'noise'),
      explore: new Rng(c.seed, 'explore'), update: new Rng(c.seed, 'update'),
    };
    const init = new Rng(c.seed, 'init');
    this.actor.init(init);
    this.critic1.init(init);
    this.critic2.init(init);
    // Alg. 1 line 2: θ̄_i ← θ_i
    this.critic1Target.copyFrom(this.critic1);
    this.critic2Target.copyFrom(this.critic2);
    this.temperature.init(this.actor.heap(), c.initialAlpha);
    this.buffer = new ReplayBuffer(c.bufferSize, o, a);
    // SAC explores by sampling its own policy (line 6): the loop gets no action noise.
    this.loop = new RunLoop({
      config: {
        seed: c.seed, learningStarts: c.learningStarts, trainFreq: c.trainFreq, gradientSteps: c.gradientSteps,
        noiseFinalScale: 1, noiseDecaySteps: 1, noiseResetOnEpisode: false,
      },
      env, actDim: a, actBound: this.actBound, buffer: this.buffer, noise: createNoise({ actionNoise: { type: 'none' } }, a),
      rngs: this.rngs, act: (obs, opts) => this.act(obs, opts), update: () => this.update(),
    });
  }

  /** The current temperature α = exp(log α). */
  get alpha(): number {
    return detMath().expf(this.temperature.logAlpha(this.actor.heap()));
  }

  /**
   * The action for one observation, in environment units: the deterministic
   * h·tanh(μ(s)), or with `explore` a sample a ~ π(·|s) (Alg. 1 line 6).
   * Allocation-free when `out` is given.
   */
  act(obs: ArrayLike<number>, options: ActOptions = {}): Float32Array {
    const a = this.actDim, B = this.batch;
    const out = stageObservation('SAC.act', obs, this.obsDim, this.obsView, 0, a, options.out);
    const h = this.actor.heap(), K = this.kernels;
    const dist = this.actor.forward(1, B.obs1.ptr);
    if (options.explore) {
      this.normals(this.rngs.noise, B.eps1, a);
      K.sacSample(1, a, dist, B.eps1.ptr, LOG_STD_MIN, LOG_STD_MAX, this.actBound, B.act1.ptr, B.logp1.ptr);
    } else {
      K.sacMean(1, a, dist, this.actBound, B.act1.ptr);
    }
    for (let i = 0, p = B.act1.ptr >> 2; i < a; i++) out[i] = h[p + i]!;
    return out;
  }

  /** One gradient step of Algorithm 1 (lines 11–14) on a minibatch from the buffer. */
  update(): UpdateStats {
    const c = this.config, N = c.batchSize, A = this.actDim, B = this.batch, h = this.actor.heap(), K = this.kernels;
    const { actor, critic1, critic2, critic1Target, critic2Target } = this;
    if (this.buffer.size === 0) throw new Error('SAC.update: the replay buffer is empty');
    const alpha = this.alpha, bound = this.actBound, rng = this.rngs.update;
    this.buffer.sample(N, this.rngs.replay, this.views);
    // Alg. 1 line 11, target: Q̂ = r + γ·(1 − d)·(min_i Q_θ̄i(s′, a′) − α·log π(a′|s′)), a′ ~ π(·|s′)
    let dist = actor.forward(N, B.s2.ptr);
    this.normals(rng, B.eps, N * A);
    K.sacSample(N, A, dist, B.eps.ptr, LOG_STD_MIN, LOG_STD_MAX, bound, B.aPi.ptr, B.logp.ptr);
    const q1Next = critic1Target.forward(N, B.s2.ptr, B.aPi.ptr) >> 2;
    const q2Next = critic2Target.forward(N, B.s2.ptr, B.aPi.ptr) >> 2;
    const r = B.r.ptr >> 2, d = B.d.ptr >> 2, y = B.y.ptr >> 2, logp = B.logp.ptr >> 2;
    for (let i = 0; i < N; i++) {
      const qa = h[q1Next + i]!, qb = h[q2Next + i]!;
      h[y + i] = h[r + i]! + c.gamma * (1 - h[d + i]!) * ((qa < qb ? qa : qb) - alpha * h[logp + i]!);
    }
    // Alg. 1 line 11: θ_i ← θ_i − λ_Q·∇J_Q(θ_i), J_Q = ½·mean((Q_θi(s, a) − Q̂)²)
    const q1 = critic1.forward(N, B.s.ptr, B.a.ptr);
    const q2 = critic2.forward(N, B.s.ptr, B.a.ptr);
    let qSum = 0;
    for (let i = 0, qp = q1 >> 2; i < N; i++) qSum += h[qp + i]!;
    const criticLoss = halfMse(h, N, q1, B.y.ptr, critic1.outputGradPtr) + halfMse(h, N, q2, B.y.ptr, critic2.outputGradPtr);
    critic1.backward(N, true);
    critic2.backward(N, true);
    this.critic1Optim.step();
    this.critic2Optim.step();
    // Alg. 1 line 12: φ ← φ − λ_π·∇J_π(φ), J_π = mean(α·log π(ã|s) − min_i Q_θi(s, ã)), ã = f_φ(ε; s)
    dist = actor.forward(N, B.s.ptr);
    this.normals(rng, B.eps, N * A);
    K.sacSample(N, A, dist, B.eps.ptr, LOG_STD_MIN, LOG_STD_MAX, bound, B.aPi.ptr, B.logp.ptr);
    const actorLoss = this.minQGrads(N, alpha);
    critic1.backward(N, false);
    critic2.backward(N, false);
    // ∂J_π/∂ã = Σ_i ∂J_π/∂Q_i·∂Q_i/∂ã (only the minimum's critic has a non-zero seed per row)
    const dQda = critic1.inputGrad[1]!.ptr;
    K.axpy(N * A, 1, critic2.inputGrad[1]!.ptr, dQda);
    K.sacBackward(N, A, dist, B.eps.ptr, LOG_STD_MIN, LOG_STD_MAX, bound, dQda, alpha / N, actor.outputGradPtr);
    actor.backward(N, true);
    this.actorOptim.step();
    // Alg. 1 line 13: log α ← log α − λ·∂J/∂log α, ∂J/∂log α = −mean(log π(ã|s) + H̄)
    if (c.autoAlpha) {
      let s = 0;
      for (let i = 0; i < N; i++) s += h[logp + i]! + this.targetEntropy;
      this.temperature.step(K, h, -s / N);
    }
    // Alg. 1 line 14: θ̄_i ← τθ_i + (1 − τ)θ̄_i
    critic1Target.polyakFrom(critic1, c.tau);
    critic2Target.polyakFrom(critic2, c.tau);
    if (!Number.isFinite(criticLoss) || !Number.isFinite(actorLoss) || !Number.isFinite(this.alpha)) {
      throw new Error(`SAC.update: non-finite loss (critic ${criticLoss}, actor ${actorLoss}, α ${this.alpha}) at update ${this.critic1Optim.steps}; ` +
        'the learning rates may be too high or the rewards unbounded');
    }
    const st = this.stats; // reused: no allocation per update
    st.criticLoss = criticLoss;
    st.actorLoss = actorLoss;
    st.qMean = qSum / N;
    return st;
  }

  /**
   * J_π's seeds at the critics' outputs for the sample in B.aPi: −1/N at the
   * smaller of Q_θ1, Q_θ2 per row (the first on ties, as torch.min), 0 at the
   * other. Runs both critics forward and returns J_π.
   */
  private minQGrads(N: number, alpha: number): number {
    const B = this.batch, h = this.actor.heap();
    const q1 = this.critic1.forward(N, B.s.ptr, B.aPi.ptr) >> 2;
    const q2 = this.critic2.forward(N, B.s.ptr, B.aPi.ptr) >> 2;
    const g1 = this.critic1.outputGradPtr >> 2, g2 = this.critic2.outputGradPtr >> 2, logp = B.logp.ptr >> 2;
    const seed = -1 / N;
    let j = 0;
    for (let i = 0; i < N; i++) {
      const qa = h[q1 + i]!, qb = h[q2 + i]!, first = qa <= qb;
      h[g1 + i] = first ? seed : 0;
      h[g2 + i] = first ? 0 : seed;
      j += alpha * h[logp + i]! - (first ? qa : qb);
    }
    return j / N;
  }

  /** n standard normals from `rng` into an arena block (float32). */
  private normals(rng: Rng, block: Block, n: number): void {
    const h = this.actor.heap(), p = block.ptr >> 2;
    for (let i = 0; i < n; i++) h[p + i] = rng.normal();
  }

  /** Alg. 1's loop (lines 4–9) for `totalSteps` environment steps; see LearnOptions. */
  learn(totalSteps: number, options: LearnOptions = {}): Promise<this> {
    return this.loop.learn(totalSteps, options).then(() => this);
  }

  /** Runs the deterministic policy h·tanh(μ(s)) for `episodes` episodes (default 10) on `env` (default: a fresh instance). */
  async evaluate(episodes = 10, env?: Env): Promise<EvalRecord> {
    return this.loop.evaluateWith(episodes, env);
  }


  /**
   * Fingerprint of the parameters: FNV-1a 32 (src/nn/hash.ts) over the
   * little-endian float32 parameter blocks of actor, critic1, critic2,
   * critic1Target, critic2Target, then log α, in that order. 8 hex digits.
   */
  weightsHash(): string {
    const nets = [this.actor, this.critic1, this.critic2, this.critic1Target, this.critic2Target].map((n) => n.getParams());
    const logAlpha = new Float32Array([this.temperature.logAlpha(this.actor.heap())]);
    return hashFloat32Hex([...nets, logAlpha]);
  }

  /**
   * The deterministic policy h·tanh(μ(s)) as a plain network Policy.load() can
   * run: the actor's hidden layers, and its last layer cut to the μ columns
   * with a tanh × h activation. Policy.act then returns the same bits as
   * act(obs) (each output is the same dot product, bias and tanhf).
   */
  deterministicPolicy(): { info: NetInfo; params: Float32Array } {
    const a = this.actDim, src = this.actor.getParams(), sl = this.actor.layout;
    const layers = this.actor.spec.layers;
    const last = layers[layers.length - 1]!;
    const spec: NetworkSpec = { inputs: this.actor.spec.inputs, layers: [...layers.slice(0, -1), { ...last, units: a, activation: 'tanh', scale: this.actBound }] };
    const { layout, size } = networkLayout(spec, 'policy');
    const params = new Float32Array(size);
    const lastName = `layers.${layers.length - 1}`;
    for (const t of layout) {
      const from = sl.find((e) => e.name === t.name)!;
      if (t.name === `${lastName}.W`) {
        const [fanIn] = t.shape as [number, number];
        for (let r = 0; r < fanIn; r++) for (let j = 0; j < a; j++) params[t.offset + r * a + j] = src[from.offset + r * 2 * a + j]!;
      } else {
        const n = t.shape.reduce((x, y) => x * y, 1);
        params.set(src.subarray(from.offset, from.offset + n), t.offset);
      }
    }
    return { info: { spec, layout, size }, params };
  }

  /** Serialises the agent: 'full' (default; resumable training state) or 'policy' (the deterministic policy, readable by Policy.load). */
  save(options: { kind?: SaveKind } = {}): Uint8Array {
    return saveAgent(this.parts(), options.kind ?? 'full');
  }

  /**
   * Restores a full checkpoint (see DDPG.load for the rules: `env` defaults to a
   * fresh built-in env of the saved id; broken or foreign files are refused
   * before anything is touched).
   */
  static load(bytes: Uint8Array, env?: Env, options: { backend?: Backend } = {}): SAC {
    const { checkpoint: c, env: e, config } = openFull(bytes, 'sac', env);
    const agent = new SAC(e, { ...(config as SACConfig), ...(options.backend ? { backend: options.backend } : {}) });
    restoreAgent(agent.parts(), c);
    return agent;
  }

  /** Kernel backend in use. */
  get backend(): Backend {
    return this.kernels.backend;
  }

  private parts(): CheckpointParts {
    return {
      algo: 'sac', env: this.env, config: this.config,
      nets: [
        { block: 'gaussianActor', net: this.actor }, { block: 'critic1', net: this.critic1 }, { block: 'critic2', net: this.critic2 },
        { block: 'critic1Target', net: this.critic1Target }, { block: 'critic2Target', net: this.critic2Target },
      ],
      optims: [{ name: 'actor', adam: this.actorOptim }, { name: 'critic1', adam: this.critic1Optim }, { name: 'critic2', adam: this.critic2Optim }],
      rngs: this.rngs, noise: null, buffer: this.buffer, loop: this.loop,
      policy: () => this.deterministicPolicy(),
      extraBlocks: [this.temperature.block],
      extraState: { get: () => this.temperature.getState(), set: (s) => this.temperature.setState(s) },
    };
  }
}

/** J = ½·mean((pred − target)²) (the paper's J_Q), gradient (pred − target)/N written to `grad`. */
function halfMse(h: Float32Array, n: number, pred: number, target: number, grad: number): number {
  const P = pred >> 2, T = target >> 2, G = grad >> 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = h[P + i]! - h[T + i]!;
    sum += d * d;
    h[G + i] = d / n;
  }
  return sum / (2 * n);
}
