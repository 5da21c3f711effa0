/**
 * What an off-policy agent is, as one type: `Agent` is what the run loop
 * drives, what a checkpoint saves and restores, and what the CLI trains.
 * DDPG, TD3 and SAC implement it through OffPolicyAgent (core.ts). Types only.
 */
import type { Env } from '../envs/env.js';
import type { Adam } from '../nn/adam.js';
import type { Network } from '../nn/network.js';
import type { NetInfo } from '../nn/container.js';
import type { Tensor } from '../kernels/arena.js';
import type { ReplayBuffer } from '../rl/buffer.js';
import type { ActionNoise } from '../rl/noise.js';
import type { Rng } from '../rng.js';
import type { OffPolicyConfig } from './config.js';

export type { NetInfo };

/** Checkpoint kinds: 'full' (resumable training state) or 'policy' (the deterministic policy only). */
export type SaveKind = 'full' | 'policy';

/** The algorithms, as checkpoints and the CLI name them. */
export type AlgoId = 'ddpg' | 'td3' | 'sac';

/** What one update() did; the object is reused by every call (copy what you keep). */
export interface UpdateStats {
  /** The critic loss (TD3 and SAC: summed over both critics). */
  readonly criticLoss: number;
  /** The actor loss of this update; NaN when actorUpdated is false. */
  readonly actorLoss: number;
  /** Whether this update took an actor step (TD3 delays them: every policyDelay-th update). */
  readonly actorUpdated: boolean;
  /** Mean of Q(s_i, a_i) over the minibatch (TD3 and SAC: the first critic). */
  readonly qMean: number;
}

/** Emitted after every episode (SB3 log keys). */
export interface EpisodeRecord {
  readonly 'rollout/ep_return': number;
  readonly 'rollout/ep_len': number;
  /** Mean over this episode's updates (NaN when none ran). */
  readonly 'train/critic_loss': number;
  /** Mean over this episode's actor steps (NaN when none ran). */
  readonly 'train/actor_loss': number;
  readonly 'train/q_mean': number;
  readonly 'time/episodes': number;
  readonly 'time/total_timesteps': number;
  readonly 'time/updates': number;
  /** Environment steps per second of wall time in this learn() call. */
  readonly 'time/sps': number;
}

/** Emitted after every evaluation of the deterministic policy. */
export interface EvalRecord {
  readonly 'eval/mean_return': number;
  readonly 'eval/std_return': number;
  readonly 'eval/returns': readonly number[];
  readonly 'eval/mean_ep_len': number;
  readonly 'time/total_timesteps': number;
  readonly 'time/episodes': number;
}

/** Passed to onStep; the same object is reused every step (copy what you keep). */
export interface StepRecord {
  step: number;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  /** The stats of the update run after this step, or null when none ran. */
  update: UpdateStats | null;
}

export interface LearnOptions {
  readonly onStep?: (record: StepRecord) => void;
  readonly onEpisode?: (record: EpisodeRecord) => void;
  readonly onEval?: (record: EvalRecord) => void;
  /**
   * After an evaluation whose mean return beats every earlier one of the agent's
   * life (SB3's EvalCallback `callback_on_new_best`; `agent.loop.bestMeanReturn`,
   * kept in full checkpoints): `policy` is that moment's policy file, as
   * `save({ kind: 'policy' })` gives it (write it as your best-policy.ddpg).
   */
  readonly onNewBest?: (record: EvalRecord, policy: Uint8Array) => void;
  /** Evaluate every this many environment steps (0 = never). Default 0. */
  readonly evalEvery?: number;
  /** Episodes per evaluation. Default 5 (SB3's EvalCallback, and the CLI's). */
  readonly evalEpisodes?: number;
  /** Environment used for evaluation (default: a fresh copy of a built-in env, same options; custom envs must pass one). */
  readonly evalEnv?: Env;
  /** Stops cleanly between two steps; learn() then resolves normally. */
  readonly signal?: AbortSignal;
}

export interface ActOptions {
  /** Add exploration noise (training behaviour). Default false: the deterministic policy. */
  readonly explore?: boolean;
  /** Write the action here instead of allocating (length = action dimension). */
  readonly out?: Float32Array;
}

/** Loop progress that a full checkpoint stores. @internal */
export interface LoopState {
  readonly steps: number;
  readonly episodes: number;
  readonly updates: number;
  readonly started: boolean;
  readonly obs: number[] | null;
  readonly epReturn: number;
  readonly epLen: number;
  readonly epUpdates: number;
  readonly epCriticLoss: number;
  readonly epActorLoss: number;
  /** Updates of this episode that ran an actor step (TD3 delays them). */
  readonly epActorUpdates: number;
  readonly epQ: number;
  /** The best periodic evaluation's mean return; absent before the first. */
  readonly bestMeanReturn?: number;
}

/** The run loop's public face: progress over the agent's life. */
export interface LoopProgress {
  /** Environment steps taken over the agent's life. */
  readonly steps: number;
  /** Episodes finished. */
  readonly episodes: number;
  /** Gradient updates (update() calls). */
  readonly updates: number;
  /** The best mean return of learn()'s periodic evaluations so far (−Infinity before the first). */
  readonly bestMeanReturn: number;
  /** @internal */
  getState(): LoopState;
  /** @internal */
  setState(state: LoopState): void;
}

/**
 * The state an agent's checkpoint holds beyond the shared parts (loop,
 * generators, noise, buffer, env), in file order. @internal
 */
export interface AgentParts {
  /** Parameter vectors, each under its block name: the networks, then free parameters (SAC's log α). weightsHash covers them in this order. */
  readonly params: readonly { readonly block: string; readonly net: Network | null; readonly tensor: Tensor }[];
  /** Optimisers, each under the block name of the parameters it moves (moments stored as `<block>.adam.m` / `.v`). */
  readonly optims: readonly { readonly block: string; readonly adam: Adam }[];
  /** The deterministic policy, as Policy.load() runs it. */
  policy(): { readonly info: NetInfo; readonly params: Float32Array };
}

/** An off-policy agent: what the loop drives, checkpoints hold and the CLI runs. */
export interface Agent {
  readonly algo: AlgoId;
  readonly config: OffPolicyConfig;
  readonly env: Env;
  readonly obsDim: number;
  readonly actDim: number;
  /** Action bound h: actions live in [−h, h]. */
  readonly actBound: number;
  readonly buffer: ReplayBuffer;
  /** The exploration noise of act({ explore: true }), or null (SAC samples its policy; `actionNoise: { type: 'none' }`). */
  readonly noise: ActionNoise | null;
  /** Generators, one stream each, all derived from config.seed (replay, noise, explore, and the algorithm's own). */
  readonly rngs: { readonly replay: Rng; readonly noise: Rng; readonly explore: Rng };
  /** Training progress (environment steps, episodes, gradient updates) and the episode in flight. */
  readonly loop: LoopProgress;
  act(obs: ArrayLike<number>, options?: ActOptions): Float32Array;
  update(): UpdateStats;
  /** Sets the scheduled ("lin_X") learning rates for `steps` environment steps. @internal */
  scheduleRates(steps: number): void;
  learn(totalSteps: number, options?: LearnOptions): Promise<unknown>;
  evaluate(episodes?: number, env?: Env): Promise<EvalRecord>;
  weightsHash(): string;
  save(options?: { kind?: SaveKind }): Uint8Array;
  /** @internal */
  readonly parts: AgentParts;
}
