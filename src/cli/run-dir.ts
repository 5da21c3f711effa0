/**
 * The run directory: metrics.jsonl (one JSON record per episode and per
 * evaluation), summary.json, checkpoint.ddpg, policy.ddpg, curve.svg, and
 * run.json (the resolved command line and accumulated timing, so that
 * `--resume` needs no other flag). Binary and summary files are written
 * atomically (temporary file, fsync, rename, fsync of the directory), so a
 * kill or a power cut never leaves a truncated checkpoint behind, and the
 * temporary files of a killed process are removed by the next one.
 */
import {
  appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EpisodeRecord, EvalRecord } from '../agents/agent.js';

export const FILES = {
  metrics: 'metrics.jsonl',
  csv: 'progress.csv',
  summary: 'summary.json',
  checkpoint: 'checkpoint.ddpg',
  policy: 'policy.ddpg',
  best: 'best-policy.ddpg',
  curve: 'curve.svg',
  run: 'run.json',
} as const;

export type EpisodeLine = { readonly type: 'episode' } & EpisodeRecord;
/** `final`: the evaluation run after training ended (not one of the periodic ones). */
export type EvalLine = { readonly type: 'eval'; readonly final?: boolean } & EvalRecord;
export type MetricLine = EpisodeLine | EvalLine;

/** summary.json: exactly these keys, in this order (scripts rely on them). */
export interface Summary {
  readonly version: string;
  readonly algo: string;
  readonly env: string;
  readonly preset: string;
  readonly seed: number;
  readonly steps: number;
  readonly episodes: number;
  /** Training wall time (evaluations included), summed over resumed sessions. */
  readonly wallSeconds: number;
  /** Environment steps per second of training time (evaluations excluded). */
  readonly envStepsPerSecond: number;
  /** Gradient updates per second of training time (evaluations excluded). */
  readonly updatesPerSecond: number;
  /** Mean training return of the last 10 episodes (null before the first episode ends). */
  readonly trainReturnLast10: number | null;
  readonly eval: { readonly mean: number; readonly std: number; readonly episodes: number };
  readonly weightsHash: string;
}

/** Wall time and work counted over every session of a run (fresh + resumes). */
export interface Timing {
  readonly wallSeconds: number;
  /** Wall time minus the time spent in periodic evaluations. */
  readonly trainSeconds: number;
  readonly steps: number;
  readonly updates: number;
}

export const ZERO_TIMING: Timing = { wallSeconds: 0, trainSeconds: 0, steps: 0, updates: 0 };

/** run.json. */
export interface RunInfo {
  readonly version: string;
  readonly algo: string;
  readonly env: string;
  readonly preset: string;
  readonly seed: number;
  /** Stop after this many environment steps, or after this many episodes. */
  readonly target: { readonly steps: number } | { readonly episodes: number };
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  /** Steps between periodic checkpoints (0 = only at the end). */
  readonly saveEvery: number;
  /** The --set overrides, as parsed. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly status: 'running' | 'interrupted' | 'complete';
  readonly timing: Timing;
}

/**
 * progress.csv's columns: Stable-Baselines3's progress.csv keys (episode means
 * over SB3's 100-episode window), then this library's own. One row per
 * metrics.jsonl record; a cell a record does not have is empty.
 */
export const CSV_KEYS = [
  'time/total_timesteps', 'time/episodes', 'time/fps', 'train/n_updates', 'rollout/ep_rew_mean', 'rollout/ep_len_mean',
  'train/critic_loss', 'train/actor_loss', 'eval/mean_reward', 'eval/mean_ep_length', 'rollout/ep_return', 'rollout/ep_len',
  'train/q_mean', 'eval/std_reward',
] as const;
/** SB3's stats_window_size: rollout/ep_rew_mean and ep_len_mean average this many episodes. */
const CSV_WINDOW = 100;

export class RunDir {
  /** The last CSV_WINDOW episodes' returns and lengths (for the CSV's means), in order. */
  private readonly window: [number, number][] = [];

  constructor(readonly path: string) {}

  file(name: string): string {
    return join(this.path, name);
  }

  /**
   * Creates the directory (and missing parents, one level at a time: Node 20's
   * recursive mkdir loops forever under /proc) and removes the temporary files
   * killed processes left. Throws naming the path and the reason.
   */
  create(): void {
    const missing: string[] = [];
    for (let p = resolve(this.path); !existsSync(p); p = dirname(p)) {
      missing.unshift(p);
      if (dirname(p) === p) break;
    }
    for (const p of missing) {
      try {
        mkdirSync(p);
      } catch (e) {
        // Another process (a parallel train or sweep trial) made it in between: fine if it is a directory.
        if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(p).isDirectory()) continue;
        throw new Error(`cannot create the run directory ${this.path}: ${(e as Error).message}`);
      }
    }
    if (!statSync(this.path).isDirectory()) throw new Error(`cannot use ${this.path} as the run directory: it is not a directory`);
    this.removeStaleTemps();
  }

  /** `.NAME.tmp-PID` files whose process is gone (killed mid-write). */
  private removeStaleTemps(): void {
    for (const name of readdirSync(this.path)) {
      const m = /^\..+\.tmp-(\d+)$/.exec(name);
      if (m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(this.file(name), { force: true });
    }
  }

  /** True when the directory already holds (part of) a run. */
  holdsRun(): boolean {
    return [FILES.metrics, FILES.checkpoint, FILES.summary].some((f) => existsSync(this.file(f)));
  }

  /** Writes `name` whole or not at all: temporary file, fsync, rename, fsync of the directory. */
  writeAtomic(name: string, data: string | Uint8Array): void {
    const tmp = this.file(`.${name}.tmp-${process.pid}`);
    writeSynced(tmp, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, 'w');
    renameSync(tmp, this.file(name));
    syncDir(this.path);
  }

  writeJson(name: string, value: unknown): void {
    this.writeAtomic(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  appendMetric(line: MetricLine): void {
    appendFileSync(this.file(FILES.metrics), `${JSON.stringify(line)}\n`);
    const csv = this.file(FILES.csv);
    appendFileSync(csv, (existsSync(csv) ? '' : `${CSV_KEYS.join(',')}\n`) + this.csvRow(line));
  }

  /** Replaces metrics.jsonl and progress.csv with these records (a resumed run's history: no row twice). */
  writeMetrics(lines: readonly MetricLine[]): void {
    this.writeAtomic(FILES.metrics, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    this.window.length = 0;
    this.writeAtomic(FILES.csv, `${CSV_KEYS.join(',')}\n${lines.map((l) => this.csvRow(l)).join('')}`);
  }

  /** A record as a progress.csv line (NaN, such as an actor loss before the first actor step, as an empty cell). */
  private csvRow(l: MetricLine): string {
    const v: Partial<Record<(typeof CSV_KEYS)[number], number>> = { 'time/total_timesteps': l['time/total_timesteps'], 'time/episodes': l['time/episodes'] };
    if (l.type === 'episode') {
      this.window.push([l['rollout/ep_return'], l['rollout/ep_len']]);
      if (this.window.length > CSV_WINDOW) this.window.shift();
      const mean = (i: 0 | 1): number => this.window.reduce((s, w) => s + w[i], 0) / this.window.length;
      Object.assign(v, {
        'time/fps': l['time/sps'], 'train/n_updates': l['time/updates'], 'rollout/ep_rew_mean': mean(0), 'rollout/ep_len_mean': mean(1),
        'train/critic_loss': l['train/critic_loss'], 'train/actor_loss': l['train/actor_loss'], 'rollout/ep_return': l['rollout/ep_return'],
        'rollout/ep_len': l['rollout/ep_len'], 'train/q_mean': l['train/q_mean'],
      });
    } else {
      Object.assign(v, { 'eval/mean_reward': l['eval/mean_return'], 'eval/mean_ep_length': l['eval/mean_ep_len'], 'eval/std_reward': l['eval/std_return'] });
    }
    return `${CSV_KEYS.map((k) => (Number.isFinite(v[k]) ? String(v[k]) : '')).join(',')}\n`;
  }

  /** The records of metrics.jsonl ([] when absent); a torn last line (killed mid-write) is skipped. */
  readMetrics(): MetricLine[] {
    const p = this.file(FILES.metrics);
    if (!existsSync(p)) return [];
    const out: MetricLine[] = [];
    for (const text of readFileSync(p, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      try {
        const rec = JSON.parse(text) as MetricLine;
        if (rec.type === 'episode' || rec.type === 'eval') out.push(rec);
      } catch {
        // only the last line can be torn; everything before it was flushed whole
      }
    }
    return out;
  }

  /** run.json, checked (null when absent; throws naming the field when malformed). */
  readRunInfo(): RunInfo | null {
    const p = this.file(FILES.run);
    if (!existsSync(p)) return null;
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(p, 'utf8'));
    } catch (e) {
      throw new Error(`${p} is not valid JSON (${(e as Error).message}); repair it, or pass --steps/--episodes and move it away`);
    }
    return checkRunInfo(v, p);
  }
}

const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** The fields --resume reads from run.json, each checked (a missing saveEvery, from older runs, reads as 0). */
function checkRunInfo(v: unknown, path: string): RunInfo {
  const bad = (field: string, want: string, got: unknown): never => {
    throw new Error(`${path}: ${field} must be ${want}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('the file', 'a JSON object', v);
  const r = v as Record<string, unknown>;
  for (const k of ['algo', 'env', 'preset'] as const) if (typeof r[k] !== 'string') bad(k, 'a string', r[k]);
  const t = r.target as Record<string, unknown> | null | undefined;
  const target = typeof t === 'object' && t !== null && Object.keys(t).length === 1 ? t : null;
  if (target === null || !(isCount(target.steps, 1) || isCount(target.episodes, 1))) bad('target', '{ "steps": N } or { "episodes": N } with N ≥ 1', t);
  if (!isCount(r.evalEvery, 0)) bad('evalEvery', 'an integer ≥ 0', r.evalEvery);
  if (!isCount(r.evalEpisodes, 1)) bad('evalEpisodes', 'an integer ≥ 1', r.evalEpisodes);
  if (r.saveEvery !== undefined && !isCount(r.saveEvery, 0)) bad('saveEvery', 'an integer ≥ 0', r.saveEvery);
  if (typeof r.overrides !== 'object' || r.overrides === null || Array.isArray(r.overrides)) bad('overrides', 'an object', r.overrides);
  const tm = r.timing as Record<string, unknown> | null | undefined;
  const timingOk = typeof tm === 'object' && tm !== null &&
    ['wallSeconds', 'trainSeconds', 'steps', 'updates'].every((k) => typeof tm[k] === 'number' && Number.isFinite(tm[k]) && (tm[k] as number) >= 0);
  if (!timingOk) bad('timing', 'an object of non-negative wallSeconds, trainSeconds, steps, updates', tm);
  return { ...(r as unknown as RunInfo), saveEvery: (r.saveEvery as number | undefined) ?? 0 };
}

/** True while process `pid` exists (EPERM: it exists, but is another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** The first half of an atomic write: `bytes` into the file `path` (flags 'w', or 'wx': it must not exist), fsynced. */
export function writeSynced(path: string, bytes: Uint8Array, flags: 'w' | 'wx'): void {
  const fd = openSync(path, flags);
  try {
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename (or link) in `dir` durable (where the platform allows fsync on a directory). */
export function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; the rename itself is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The records a checkpoint taken after `steps` steps and `episodes` episodes
 * has seen: resuming from it drops anything later (for example records of a
 * previous resume from the same checkpoint).
 */
export function metricsUpTo(lines: readonly MetricLine[], steps: number, episodes: number): MetricLine[] {
  // An interrupted session's closing evaluation is not part of the run: the
  // resumed run writes its own at the end (an uninterrupted run has only that one).
  return lines.filter((l) => (l.type === 'episode' ? l['time/episodes'] <= episodes : l['time/total_timesteps'] <= steps && l.final !== true));
}

/** `runs/<env>-<algo>-s<seed>-<YYYYMMDD-HHMMSS>` (local time), with -2, -3 … if taken. */
export function defaultRunPath(env: string, algo: string, seed: number, date = new Date()): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}${p2(date.getMonth() + 1)}${p2(date.getDate())}-${p2(date.getHours())}${p2(date.getMinutes())}${p2(date.getSeconds())}`;
  const base = join('runs', `${env}-${algo}-s${seed}-${stamp}`);
  let p = base;
  for (let i = 2; existsSync(p); i++) p = `${base}-${i}`;
  return p;
}
