/**
 * `ddpg-wasm/sweep`, Node only: runSweep() runs every trial of a sweep spec on
 * a pool of worker_threads (or on BullMQ workers through Redis), as the
 * `ddpg-wasm sweep` command does, and writes the same directory. This module
 * holds only its types; package.json maps the entry's code to dist/cli/main.js,
 * which exports the function (src/cli/sweep.ts; test/cli/sweep-api.test.ts
 * checks that it matches the declaration below). The library entries stay free
 * of Node: the trial runner is the library's learn() on one agent, which a Web
 * Worker pool in a browser can run the same way (docs/USAGE.md, "Many runs").
 */
import type { Summary as Stats } from './stats.js';

/** One point of a search space: field (as --set names it, `a.b` for a member) → value. */
export type Point = Readonly<Record<string, unknown>>;

/** One finished trial, as results.json and sweep.jsonl hold it. */
export interface TrialRecord {
  readonly id: string;
  readonly config: string;
  readonly point: Point;
  readonly seed: number;
  readonly status: 'done' | 'failed';
  /** Mean return of the final evaluation. */
  readonly eval: number | null;
  readonly steps: number | null;
  readonly weightsHash: string | null;
  readonly error: string | null;
}

/** A configuration's statistics over its seeds. */
export interface ConfigResult {
  readonly config: string;
  readonly point: Point;
  readonly trials: number;
  readonly failed: number;
  readonly stats: Stats | null;
  readonly stepsToThreshold: { median: number; reached: number; n: number } | null;
  readonly rank: number | null;
}

export interface SweepProgress {
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly queued: number;
  /** Environment steps per second of all workers together, in this invocation. */
  readonly stepsPerSecond: number;
  readonly etaSeconds: number;
}

export interface SweepOptions {
  /** Worker threads (default: os.availableParallelism()). */
  readonly workers?: number | undefined;
  /** The sweep directory (default sweeps/<spec file name>, or sweeps/sweep for an object). */
  readonly out?: string;
  /** Aborting stops every trial after its current step and saves it (run again to continue). */
  readonly signal?: AbortSignal;
  /** Called for each trial that finishes in this invocation. */
  readonly onTrial?: (record: TrialRecord) => void;
  /** Called a few times a second while trials run. */
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Train on BullMQ workers through this Redis (redis://HOST:PORT) instead of local threads; needs bullmq and ioredis. */
  readonly queue?: string | undefined;
  /**
   * With `queue`: the sweep's name, which with the spec makes its namespace in Redis (default: the absolute
   * `out` directory). One process at a time collects a namespace; another is refused, naming it.
   */
  readonly name?: string | undefined;
  /** With `queue`: keep the trials' states in this directory, which every worker mounts (`worker --store`), instead of Redis. */
  readonly store?: string | undefined;
  /** Run only this trial (0-based index in spec order); results.json is written when it completes the sweep. */
  readonly trial?: number | undefined;
}

export interface SweepResult {
  readonly out: string;
  readonly interrupted: boolean;
  /** Every trial finished so far (all of them unless interrupted, or with `trial` while others are missing), in spec order. */
  readonly trials: readonly TrialRecord[];
  /** Per configuration (empty until every trial has finished). */
  readonly configs: readonly ConfigResult[];
}

/**
 * Runs every trial of a spec (a file path, or the spec as a JSON-like object:
 * the format of `ddpg-wasm sweep`) on `workers` threads, writing OUT as
 * `ddpg-wasm sweep` does (a run directory per trial, sweep.jsonl, results.json,
 * curves.svg). Resolves when every trial has finished (failed ones included)
 * or, after `signal` aborts, when every running trial has saved; the same call
 * again skips finished trials and resumes the others bit-identically. Rejects
 * for a bad spec, naming the field and what it allows.
 */
export declare function runSweep(spec: string | object, options?: SweepOptions): Promise<SweepResult>;
