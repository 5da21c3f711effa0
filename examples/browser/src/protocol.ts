/** Messages between the page (main.ts) and the training worker (worker.ts). */

/** Page → worker. */
export type Command =
  | { readonly type: 'start'; readonly seed: number; readonly totalSteps: number }
  | { readonly type: 'pause' }
  | { readonly type: 'reset'; readonly seed: number }
  | { readonly type: 'download' };

/** Worker → page. */
export type Report =
  | {
      readonly type: 'ready'; readonly backend: string; readonly seed: number; readonly hash: string;
      /** Threads the agent trains on (initThreads), and why 1 when the page could not have more. */
      readonly threads: number; readonly threadsReason: string | null;
    }
  | {
      readonly type: 'episode';
      readonly episode: number;
      readonly steps: number;
      readonly return: number;
      readonly sps: number;
      readonly criticLoss: number;
      readonly hash: string;
      /** θ (rad) and clipped torque (N·m) after each step of the episode, interleaved [θ0, u0, θ1, u1, …]. */
      readonly trajectory: Float32Array;
    }
  /** An evaluation of the deterministic policy (learn()'s onEval): after `episodes` training episodes. */
  | { readonly type: 'eval'; readonly episodes: number; readonly mean: number; readonly std: number }
  | { readonly type: 'checkpoint'; readonly steps: number; readonly hash: string }
  | { readonly type: 'state'; readonly running: boolean; readonly steps: number; readonly finished: boolean }
  | { readonly type: 'policy'; readonly bytes: Uint8Array<ArrayBuffer>; readonly name: string }
  | { readonly type: 'error'; readonly message: string };

/** Steps per learn() call: one Pendulum-v1 episode (Gymnasium's 200-step limit), so chunks stay aligned. */
export const CHUNK = 200;

/** Evaluate the deterministic policy every EVAL_EVERY steps (5 episodes), on EVAL_EPISODES episodes (as the CLI's default). */
export const EVAL_EVERY = 1000;
export const EVAL_EPISODES = 5;
