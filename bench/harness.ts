/**
 * Shared helpers for bench/*.bench.ts. Convention: each bench file exports
 * `default async function (): Promise<string>` that runs its tasks and returns a
 * markdown section (a `##` heading, a table, and notes); bench/run.ts prints it.
 *
 * Timing: tinybench runs each task for `timeMs` after a warm-up and keeps one
 * latency sample per call. Kernels that take a microsecond would be dominated by
 * the timer itself, so `measure` first calibrates a batch size: a task's function
 * runs `reps` times per sample, enough for a sample of ≥ `batchMs`, and times are
 * divided back by `reps`. Reported time is the median sample (robust to the GC
 * pauses and neighbours of a shared machine), never the mean.
 */
import { Bench } from 'tinybench';

export interface Task {
  readonly name: string;
  readonly fn: () => void;
  /** Floating-point operations per call (2·m·n·k for a GEMM), for GFLOP/s; 0 if not meaningful. */
  readonly flops?: number;
}

export interface Row {
  readonly name: string;
  /** Median time per call, in microseconds. */
  readonly medianUs: number;
  readonly opsPerSec: number;
  /** null when the task has no flop count. */
  readonly gflops: number | null;
  /** Relative margin of error of the mean sample, in percent (tinybench's rme). */
  readonly rme: number;
  readonly samples: number;
  /** Calls per sample. */
  readonly reps: number;
}

export interface MeasureOptions {
  /** Measuring time per task (ms). */
  readonly timeMs?: number;
  /** Warm-up time per task (ms): lets V8 tier up the JS and the wasm. */
  readonly warmupMs?: number;
  /** Target duration of one sample (ms); sets the batch size. */
  readonly batchMs?: number;
}

/** Calls per sample so that one sample takes at least `batchMs` (≥ 1). */
export function calibrate(fn: () => void, batchMs: number): number {
  for (let i = 0; i < 3; i++) fn(); // first calls run in the interpreter / baseline tier
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= batchMs || reps >= 1 << 20) return reps;
    reps = dt <= 0 ? reps * 16 : Math.max(reps * 2, Math.ceil((reps * batchMs * 1.2) / dt));
  }
}

/** Runs the tasks one after another and returns one row per task, in order. */
export async function measure(tasks: readonly Task[], opts: MeasureOptions = {}): Promise<Row[]> {
  const { timeMs = 400, warmupMs = 150, batchMs = 1 } = opts;
  const rows: Row[] = [];
  for (const task of tasks) {
    const reps = calibrate(task.fn, batchMs);
    const fn = task.fn;
    const bench = new Bench({ time: timeMs, warmupTime: warmupMs, iterations: 5, warmupIterations: 2, throws: true });
    bench.add(task.name, () => { for (let i = 0; i < reps; i++) fn(); });
    await bench.run();
    const result = bench.tasks[0]?.result;
    const p50 = result?.latency.p50;
    if (result === undefined || p50 === undefined) throw new Error(`bench task "${task.name}" produced no result`);
    const medianUs = (p50 * 1000) / reps;
    rows.push({
      name: task.name,
      medianUs,
      opsPerSec: 1e6 / medianUs,
      gflops: task.flops ? task.flops / (medianUs * 1e3) : null,
      rme: result.latency.rme,
      samples: result.latency.samples.length,
      reps,
    });
  }
  return rows;
}

/** Numbers, or formatted numbers such as "±2.1%", "3.4×", "1e-5". */
const NUMERIC = /^[±+−-]?\d[\d.,]*(e[+-]?\d+)?\s*[%×]?$/;

/** A markdown table; columns whose cells are all numeric are right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const numeric = (c: string | number | undefined): boolean => typeof c === 'number' || NUMERIC.test(String(c));
  const align = headers.map((_, i) => (rows.length > 0 && rows.every((r) => numeric(r[i])) ? '---:' : '---'));
  const line = (cells: readonly (string | number)[]): string => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(align), ...rows.map(line)].join('\n');
}

/** Rounds to `digits` significant digits for display (keeps integers ≥ 10^digits whole). */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toString();
  return Number(x.toPrecision(digits)).toString();
}

/** A markdown section: `## title`, then the body parts separated by blank lines. */
export function section(title: string, ...parts: readonly string[]): string {
  return [`## ${title}`, ...parts].join('\n\n');
}
