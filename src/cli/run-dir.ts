/**
 * The run directory: metrics.jsonl (one JSON record per episode and per
 * evaluation), summary.json, checkpoint.ddpg, policy.ddpg, curve.svg, and
 * run.json (the resolved command line and accumulated timing, so that
 * `--resume` needs no other flag). Binary and summary files are written
 * atomically (temporary file + rename), so an interrupted write never leaves a
 * truncated checkpoint behind.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpisodeRecord, EvalRecord } from '../agents/agent.js';

export const FILES = {
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  checkpoint: 'checkpoint.ddpg',
  policy: 'policy.ddpg',
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
  /** The --set overrides, as parsed. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly status: 'running' | 'interrupted' | 'complete';
  readonly timing: Timing;
}

export class RunDir {
  constructor(readonly path: string) {}

  file(name: string): string {
    return join(this.path, name);
  }

  create(): void {
    mkdirSync(this.path, { recursive: true });
  }

  /** True when the directory already holds (part of) a run. */
  holdsRun(): boolean {
    return [FILES.metrics, FILES.checkpoint, FILES.summary].some((f) => existsSync(this.file(f)));
  }

  writeAtomic(name: string, data: string | Uint8Array): void {
    const tmp = this.file(`.${name}.tmp-${process.pid}`);
    writeFileSync(tmp, data);
    renameSync(tmp, this.file(name));
  }

  writeJson(name: string, value: unknown): void {
    this.writeAtomic(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  appendMetric(line: MetricLine): void {
    appendFileSync(this.file(FILES.metrics), `${JSON.stringify(line)}\n`);
  }

  /** Replaces metrics.jsonl with these records. */
  writeMetrics(lines: readonly MetricLine[]): void {
    this.writeAtomic(FILES.metrics, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
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

  readRunInfo(): RunInfo | null {
    const p = this.file(FILES.run);
    if (!existsSync(p)) return null;
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as RunInfo;
    } catch {
      return null;
    }
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
