/**
 * `ddpg-wasm sweep SPEC` and `runSweep()`: every trial of a spec (a
 * configuration × a seed, sweep-spec.ts) on a pool of worker_threads. Each
 * trial is a `train` run in OUT/<trial id>/ (the same code and files), which
 * checkpoints every `saveEvery` steps; a stopped or crashed sweep run again
 * skips the trials whose run.json says complete and resumes the others from
 * their checkpoint, bit-identically (a run is a pure function of checkpoint and
 * steps). OUT also holds spec.json (the checked spec: a rerun must match it),
 * sweep.jsonl (a line per trial finished, with wall time) and, once every trial
 * has finished, results.json (deterministic: no times in it).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { makeEnv } from '../envs/make.js';
import { initSync } from '../index.js';
import { medianStepsToThreshold, rank, summarize } from '../stats.js';
import type { ConfigResult, SweepOptions, SweepProgress, SweepResult, TrialRecord } from '../sweep.js';
import { type CommandSpec, parseArgs, UsageError } from './args.js';
import type { CliIO } from './io.js';
import { writePlot } from './plot.js';
import { formatDuration } from './progress.js';
import { FILES, RunDir, type Summary } from './run-dir.js';
import { parseSpec, readSpec, type SweepSpec, type Trial, trials } from './sweep-spec.js';
import { checkQueue, queuePool } from './queue.js';
import { complete, runTrial } from './trial.js';

export const SWEEP: CommandSpec = {
  name: 'sweep',
  summary: 'Run every trial (configuration × seed) of a sweep spec on a pool of worker threads.',
  usage: 'ddpg-wasm sweep SPEC.json [--workers N | --queue redis://HOST:PORT [--name NAME] [--store DIR] | --trial I] [--out DIR] [--quiet]',
  flags: [
    { name: 'workers', type: 'int', min: 1, value: 'N', help: 'worker threads (default: one per core)' },
    { name: 'queue', type: 'string', value: 'URL', help: 'enqueue the trials on BullMQ in this Redis and wait: ddpg-wasm worker --queue URL trains them (npm i bullmq ioredis)' },
    { name: 'name', type: 'string', value: 'NAME', help: 'with --queue: the sweep\'s name in Redis, with the spec (default: the --out directory); one process collects a sweep at a time' },
    { name: 'store', type: 'string', value: 'DIR', help: 'with --queue: keep the trials\' states in DIR, a directory every worker mounts (worker --store), instead of Redis' },
    { name: 'trial', type: 'int', min: 0, value: 'I', help: 'run only trial I (0-based, spec order), e.g. a Kubernetes Indexed Job: --trial $JOB_COMPLETION_INDEX' },
    { name: 'out', type: 'string', value: 'DIR', help: 'sweep directory (default sweeps/<spec name>); one run directory per trial inside' },
    { name: 'quiet', type: 'boolean', help: 'no progress output, only the summary table' },
  ],
  notes: [
    'Files: OUT/<trial>/ (what train writes), spec.json, sweep.jsonl (a line per finished trial), results.json\n' +
    '(every trial and, per configuration, the statistics over its seeds) and curves.svg (ddpg-wasm plot of the\n' +
    'trials), both written when every trial has finished.',
    'Ctrl-C stops every trial after its current step and saves it; the same command again skips finished\n' +
    'trials and resumes the others bit-identically (a kill -9 loses at most saveEvery steps per trial).',
    '--queue: the trials train in chunks of saveEvery steps as BullMQ jobs, on any number of `ddpg-wasm worker`\n' +
    'processes; the sweep waits and writes the same files. Ctrl-C stops the wait only (run it again to collect).\n' +
    'A spec and an --out (or --name) make one sweep: other specs or directories run beside it on the same Redis;\n' +
    'a second process for the same one is refused while the first collects.',
    '--trial I: one trial in OUT/<trial> (OUT on a volume every pod shares); the process that finishes the last\n' +
    'trial also writes results.json and curves.svg, and a plain sweep of the same OUT afterwards runs whatever\n' +
    'is missing or failed and writes them.',
    'Exit codes: 0 every trial done, 1 a trial failed (the others still ran) or a runtime error,\n' +
    '2 bad command line or spec, 130/143 interrupted (run it again to continue).',
  ],
};

type ToWorker = { type: 'trial'; spec: SweepSpec; trial: Trial; dir: string } | { type: 'stop' };
type FromWorker =
  | { type: 'steps'; steps: number; start: number }
  | { type: 'end'; error: string | null; interrupted: boolean };

const SWEEP_WORKER = 'ddpg-wasm-sweep-worker';

/** The worker thread's loop: one trial at a time, as the main thread sends them. */
function workerMain(): void {
  initSync();
  const port = parentPort!;
  let stop = new AbortController();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      stop.abort();
      return;
    }
    stop = new AbortController();
    const post = (msg: FromWorker): void => port.postMessage(msg);
    runTrial(m.spec, m.trial, m.dir, { stop: stop.signal, onSteps: (steps, start) => post({ type: 'steps', steps, start }) }).then(
      (done) => post({ type: 'end', error: null, interrupted: !done }),
      (e: unknown) => post({ type: 'end', error: e instanceof Error ? e.message : String(e), interrupted: false }),
    );
  });
}

if (!isMainThread && workerData === SWEEP_WORKER) workerMain();

/** A finished trial's record, read from its run directory (the same whether it finished now or earlier). */
function recordOf(trial: Trial, dir: RunDir, error: string | null): TrialRecord {
  const base = { id: trial.id, config: trial.config, point: trial.point, seed: trial.seed };
  if (error !== null) return { ...base, status: 'failed', eval: null, steps: null, weightsHash: null, error };
  const s = JSON.parse(readFileSync(dir.file(FILES.summary), 'utf8')) as Summary;
  return { ...base, status: 'done', eval: s.eval.mean, steps: s.steps, weightsHash: s.weightsHash, error: null };
}

/** The evaluation curve of a finished trial (metrics.jsonl). */
function curveOf(dir: RunDir): { step: number; value: number }[] {
  return dir.readMetrics().flatMap((l) => (l.type === 'eval' ? [{ step: l['time/total_timesteps'], value: l['eval/mean_return'] }] : []));
}

function aggregate(spec: SweepSpec, plan: readonly Trial[], records: ReadonlyMap<string, TrialRecord>, out: string): ConfigResult[] {
  const configs = [...new Map(plan.map((t) => [t.config, t.point])).entries()];
  const rows = configs.map(([config, point]) => {
    const mine = plan.filter((t) => t.config === config).map((t) => records.get(t.id)!);
    const ok = mine.filter((r) => r.status === 'done');
    const stats = ok.length > 0 ? summarize([ok.map((r) => r.eval!)], { seed: 0 }) : null;
    const steps = spec.threshold !== null && ok.length > 0
      ? medianStepsToThreshold(ok.map((r) => curveOf(new RunDir(join(out, r.id)))), spec.threshold) : null;
    return { config, point, trials: mine.length, failed: mine.length - ok.length, stats, stepsToThreshold: steps };
  });
  const ranked = rows.filter((r) => r.stats !== null);
  // stats.rank gives the indices best first; a configuration's rank is its place in that order (1 = best).
  const place = new Map(rank(ranked.map((r) => ({ name: r.config, summary: r.stats! }))).map((i, k) => [ranked[i]!, k + 1]));
  return rows.map((r) => ({ ...r, rank: place.get(r) ?? null }));
}

function defaultOut(spec: unknown): string {
  return join('sweeps', typeof spec === 'string' ? basename(spec, extname(spec)) : 'sweep');
}

/** ddpg-wasm/sweep's runSweep (documented in src/sweep.ts, whose declaration it must match). */
export async function runSweep(spec: string | object, options: SweepOptions = {}): Promise<SweepResult> {
  initSync();
  const checked = typeof spec === 'string' ? readSpec(spec) : parseSpec(spec);
  const plan = trials(checked);
  if (options.queue !== undefined) await checkQueue(options.queue);
  for (const flag of ['name', 'store'] as const) if (options[flag] !== undefined && options.queue === undefined) throw new UsageError(`--${flag} goes with --queue`, 'sweep');
  const out = options.out ?? defaultOut(spec);
  const root = new RunDir(out);
  root.create();
  const specText = `${JSON.stringify(checked, null, 2)}\n`;
  if (existsSync(root.file('spec.json')) && readFileSync(root.file('spec.json'), 'utf8') !== specText) {
    throw new Error(`${out} holds a sweep of another spec (${root.file('spec.json')}); choose another --out`);
  }
  root.writeAtomic('spec.json', specText);

  if (options.trial !== undefined && !(Number.isSafeInteger(options.trial) && options.trial >= 0 && options.trial < plan.length)) {
    throw new UsageError(`--trial must be an index in 0..${plan.length - 1} (the spec has ${plan.length} trials), got ${options.trial}`, 'sweep');
  }
  const records = new Map<string, TrialRecord>();
  const scan = (): void => {
    for (const t of plan) {
      const dir = new RunDir(join(out, t.id));
      if (!records.has(t.id) && complete(dir)) records.set(t.id, recordOf(t, dir, null));
    }
  };
  scan();
  const queue = plan.filter((t, i) => !records.has(t.id) && (options.trial === undefined || i === options.trial));
  const stepBound = 'steps' in checked.target ? checked.target.steps : checked.target.episodes * makeEnv(checked.env).maxEpisodeSteps;
  const finish = (t: Trial, error: string | null, wallSeconds: number): void => {
    const rec = recordOf(t, new RunDir(join(out, t.id)), error);
    records.set(t.id, rec);
    appendFileSync(root.file('sweep.jsonl'), `${JSON.stringify({ ...rec, wallSeconds: Number(wallSeconds.toFixed(3)), finishedAt: new Date().toISOString() })}\n`);
    options.onTrial?.(rec);
  };
  const interrupted = options.queue !== undefined
    ? await queuePool(options.queue, checked, queue, out, stepBound, options, finish)
    : await pool(checked, queue, out, options.trial === undefined ? options : { ...options, workers: 1 }, stepBound, finish);
  // --trial: the other trials ran elsewhere (other processes, pods); those complete by now count too.
  if (options.trial !== undefined) scan();
  const finished = plan.flatMap((t) => records.get(t.id) ?? []);
  if (interrupted || finished.length < plan.length) return { out, interrupted, trials: finished, configs: [] };
  const configs = aggregate(checked, plan, records, out);
  root.writeJson('results.json', { algo: checked.algo, env: checked.env, preset: checked.preset, threshold: checked.threshold, trials: finished, configs });
  // The overlay plot: mean evaluation curve per configuration with its 95 % CI band, seeds faint.
  const evaluated = finished.filter((r) => r.eval !== null).map((r) => join(out, r.id));
  if (evaluated.length > 0) writePlot(evaluated, join(out, 'curves.svg'), { threshold: checked.threshold ?? undefined });
  return { out, interrupted, trials: finished, configs };
}

/** Runs `queue` on a pool of worker threads; resolves true when stopped by the signal before the end. */
function pool(spec: SweepSpec, queue: readonly Trial[], out: string, options: SweepOptions, stepBound: number,
  finish: (t: Trial, error: string | null, wallSeconds: number) => void): Promise<boolean> {
  const todo = [...queue];
  const size = Math.max(0, Math.min(options.workers ?? availableParallelism(), todo.length));
  const running = new Map<Worker, { trial: Trial; t0: number; steps: number; start: number }>();
  const t0 = performance.now();
  let stopped = options.signal?.aborted === true, done = 0, failed = 0, walked = 0;
  if (size === 0 || stopped) return Promise.resolve(stopped && todo.length > 0);
  return new Promise<boolean>((resolve) => {
    let live = 0;
    const report = (): void => {
      if (options.onProgress === undefined) return;
      const now = (performance.now() - t0) / 1000;
      let moved = walked, left = todo.length * stepBound;
      for (const r of running.values()) {
        moved += r.steps - r.start;
        left += stepBound - r.steps;
      }
      const sps = now > 0 ? moved / now : 0;
      options.onProgress({ done, failed, running: running.size, queued: todo.length, stepsPerSecond: sps, etaSeconds: sps > 0 ? left / sps : NaN });
    };
    const timer = setInterval(report, 250);
    const next = (w: Worker): void => {
      const trial = stopped ? undefined : todo.shift();
      if (trial === undefined) {
        void w.terminate();
        if (--live === 0) {
          clearInterval(timer);
          report();
          resolve(stopped && (todo.length > 0 || interruptedAny));
        }
        return;
      }
      running.set(w, { trial, t0: performance.now(), steps: 0, start: 0 });
      w.postMessage({ type: 'trial', spec, trial, dir: join(out, trial.id) } satisfies ToWorker);
    };
    let interruptedAny = false;
    const end = (w: Worker, error: string | null, interrupted: boolean): void => {
      const r = running.get(w)!;
      running.delete(w);
      walked += r.steps - r.start;
      if (interrupted) interruptedAny = true;
      else {
        done++;
        if (error !== null) failed++;
        finish(r.trial, error, (performance.now() - r.t0) / 1000);
      }
      report();
    };
    const spawn = (): void => {
      const w = new Worker(new URL(import.meta.url), { workerData: SWEEP_WORKER });
      live++;
      w.on('message', (m: FromWorker) => {
        const r = running.get(w);
        if (m.type === 'steps' && r !== undefined) Object.assign(r, { steps: m.steps, start: m.start });
        else if (m.type === 'end') {
          end(w, m.error, m.interrupted);
          next(w);
        }
      });
      w.on('error', (e) => {
        // The thread died (out of memory, a bug): the trial is recorded as failed; a new thread takes its place.
        if (running.has(w)) end(w, `worker crashed: ${e.message}`, false);
        live--;
        if (!stopped && todo.length > 0) spawn();
        else if (live === 0) {
          clearInterval(timer);
          resolve(stopped);
        }
      });
      next(w);
    };
    options.signal?.addEventListener('abort', () => {
      stopped = true;
      for (const w of running.keys()) w.postMessage({ type: 'stop' } satisfies ToWorker);
    });
    for (let i = 0; i < size; i++) spawn();
  });
}

const ret = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : String(Number(x.toPrecision(4))));
const ci = (i: { point: number; lo: number; hi: number }): string => `${ret(i.point)} [${ret(i.lo)}, ${ret(i.hi)}]`;

/** The summary table: a row per configuration. */
export function sweepTable(configs: readonly ConfigResult[]): string {
  const head = ['config', 'point', 'n', 'mean [95% CI]', 'IQM [95% CI]', 'steps to threshold', 'rank'];
  const rows = configs.map((c) => [
    c.config, JSON.stringify(c.point), `${c.trials - c.failed}${c.failed > 0 ? ` (${c.failed} failed)` : ''}`,
    c.stats === null ? '–' : ci(c.stats.mean), c.stats === null ? '–' : ci(c.stats.iqm),
    c.stepsToThreshold === null ? '–' : `${Number.isFinite(c.stepsToThreshold.median) ? c.stepsToThreshold.median : 'not reached'} (${c.stepsToThreshold.reached}/${c.stepsToThreshold.n})`,
    c.rank === null ? '–' : String(c.rank),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export async function sweepCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const path = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const f = parseArgs(SWEEP, path === undefined ? argv : argv.slice(1));
  if (f.bool('help')) return io.help(SWEEP);
  if (path === undefined) throw new UsageError('sweep needs a spec file: ddpg-wasm sweep SPEC.json', 'sweep');
  const spec = readSpec(path);
  f.exclusive('workers', 'queue');
  f.exclusive('workers', 'trial');
  f.exclusive('queue', 'trial');
  const stop = new AbortController();
  let signal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signal !== null) process.exit(SIGNAL_EXIT[sig] ?? 1); // second signal: quit without saving
    signal = sig;
    stop.abort();
    io.stderr.write(f.has('queue')
      ? `\r\x1b[K${sig}: no longer waiting (the workers go on; the same command collects the results)\n`
      : `\r\x1b[K${sig}: stopping every trial after its current step and saving (again to quit without saving)\n`);
  };
  const tty = io.stderr.isTTY === true, quiet = f.bool('quiet');
  let lastLine = -Infinity; // not a terminal: a first line at once, then one every 15 s
  const line = (p: SweepProgress): string =>
    `trials ${p.done} done${p.failed > 0 ? ` (${p.failed} failed)` : ''}, ${p.running} running, ${p.queued} queued · ${p.stepsPerSecond.toFixed(0)} steps/s · ETA ${formatDuration(p.etaSeconds)}`;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const out = f.str('out') ?? defaultOut(path);
    const n = trials(spec).length;
    const queue = f.str('queue'), trial = f.int('trial');
    if (queue !== undefined) await checkQueue(queue);
    const where = queue !== undefined ? `on the queue ${queue} (ddpg-wasm worker --queue ${queue})`
      : trial !== undefined ? `: trial ${trial} alone` : `on ${f.int('workers') ?? availableParallelism()} workers`;
    if (!quiet) io.stderr.write(`Sweep ${path}: ${n} trial${n === 1 ? '' : 's'} ${where} → ${out}\n`);
    const result = await runSweep(path, {
      workers: f.int('workers'), out, signal: stop.signal, queue, trial, name: f.str('name'), store: f.str('store'),
      onTrial: (r) => {
        if (quiet) return;
        const what = r.status === 'done' ? `eval ${ret(r.eval!)}, weightsHash ${r.weightsHash}` : `FAILED: ${r.error}`;
        io.stderr.write(`${tty ? '\r\x1b[K' : ''}${r.id} ${JSON.stringify(r.point)}: ${what}\n`);
      },
      onProgress: (p) => {
        if (quiet) return;
        if (tty) io.stderr.write(`\r${line(p)}\x1b[K`);
        else if (performance.now() - lastLine >= 15_000) {
          lastLine = performance.now();
          io.stderr.write(`${line(p)}\n`);
        }
      },
    });
    if (tty && !quiet) io.stderr.write('\r\x1b[K');
    if (result.interrupted) {
      io.stderr.write(`Interrupted: ${result.trials.length}/${n} trials finished; continue with the same command.\n`);
      return SIGNAL_EXIT[signal ?? 'SIGINT'] ?? 1;
    }
    if (result.configs.length === 0) {
      // --trial while other trials are still missing: this trial's outcome alone.
      const mine = result.trials.find((r) => r.id === trials(spec)[trial!]!.id);
      io.stdout.write(`${result.trials.length}/${n} trials finished in ${out}; results.json is written when the last one finishes\n`);
      return mine?.status === 'done' ? 0 : 1;
    }
    io.stdout.write(`${sweepTable(result.configs)}\n`);
    const failed = result.trials.filter((r) => r.status === 'failed').length;
    io.stdout.write(`Results in ${join(out, 'results.json')}${failed > 0 ? `; ${failed} trial${failed === 1 ? '' : 's'} failed (see sweep.jsonl)` : ''}\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
