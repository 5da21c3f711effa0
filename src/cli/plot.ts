/**
 * `ddpg-wasm plot RUN_DIR… --out FILE.svg`: overlays runs of `train` (and the
 * run directories a sweep holds) grouped by configuration: the mean evaluation
 * curve of each with a 95 % stratified-bootstrap band over its seeds, each seed
 * faint; and a table of the final evaluation (mean and IQM with their
 * intervals, src/stats.ts) ranked by IQM. writePlot is what `sweep` calls.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { medianStepsToThreshold, rank, summarize, type Summary } from '../stats.js';
import { type CommandSpec, parseArgs, UsageError } from './args.js';
import type { CliIO } from './io.js';
import { FILES, RunDir, type RunInfo } from './run-dir.js';
import { type CurvePoint, overlaySvg, type OverlaySeries } from './svg.js';
import { ret } from './train.js';

/** Directories below each RUN_DIR searched for runs (a sweep's trials sit one or two levels down). */
export const MAX_DEPTH = 4;

export const PLOT: CommandSpec = {
  name: 'plot',
  summary: 'Overlay runs by configuration: mean evaluation curve, 95 % CI band, seeds faint; print a ranked table.',
  usage: 'ddpg-wasm plot RUN_DIR… --out FILE.svg [--group-by FIELD]… [--threshold X]',
  positional: 'RUN_DIR',
  flags: [
    { name: 'out', type: 'string', value: 'FILE.svg', help: 'the picture to write (required)' },
    { name: 'group-by', type: 'list', value: 'FIELD', help: 'group by these run.json or --set fields (repeatable)' },
    { name: 'threshold', type: 'string', value: 'X', help: 'also report the median steps to an evaluation return ≥ X' },
  ],
  notes: [
    `Runs: directories with a metrics.jsonl, up to ${MAX_DEPTH} levels below each RUN_DIR. A configuration: run.json minus seed,\n` +
    'status, timing, saveEvery. Curves: evaluation steps all its seeds have; the band is the mean\'s 95 % bootstrap CI.',
  ],
};

export interface PlotOptions {
  /** Group by these fields of run.json (or of its overrides) instead of everything but the seed. */
  readonly groupBy?: readonly string[];
  /** Report the median steps until the evaluation return reaches this. */
  readonly threshold?: number | undefined;
  /** Bootstrap resamples (default 2000). */
  readonly reps?: number;
}

interface Run {
  readonly dir: string;
  readonly info: RunInfo;
  /** (step, mean evaluation return), by step. */
  readonly evals: CurvePoint[];
}

export interface ConfigResult {
  readonly name: string;
  /** The grouping key: the run.json fields that define the configuration. */
  readonly key: Readonly<Record<string, unknown>>;
  readonly runs: readonly string[];
  /** Over seeds, of each seed's last evaluation return. */
  readonly final: Summary;
  /** 1 = best (stats.rank: IQM, then mean, then name). */
  readonly rank: number;
  readonly stepsToThreshold?: { readonly median: number; readonly reached: number; readonly n: number };
}

export interface PlotResult {
  readonly configs: number;
  readonly runs: number;
  /** Configurations in rank order. */
  readonly results: readonly ConfigResult[];
  /** Run directories left out (no evaluation yet), with the reason. */
  readonly skipped: readonly string[];
  /** The table `plot` prints. */
  readonly table: string;
}

/** Run directories under `root` (itself included), sorted; throws naming the path when there are none. */
export function findRuns(root: string, depth = MAX_DEPTH): string[] {
  if (!existsSync(root)) throw new Error(`${root}: no such directory`);
  if (!statSync(root).isDirectory()) throw new Error(`${root}: not a directory`);
  const walk = (dir: string, left: number): string[] => {
    if (existsSync(join(dir, FILES.metrics))) return [dir];
    if (left === 0) return [];
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
      .flatMap((name) => walk(join(dir, name), left - 1));
  };
  const runs = walk(root, depth);
  if (runs.length === 0) throw new Error(`${root}: no run directory (one with ${FILES.metrics}) in it or ${depth} levels below`);
  return runs;
}

function readRun(dir: string): Run {
  const rd = new RunDir(dir);
  const info = rd.readRunInfo();
  if (info === null) throw new Error(`${dir}: no ${FILES.run} (plot groups runs by it)`);
  const byStep = new Map<number, number>(); // a step evaluated twice keeps its last record
  for (const l of rd.readMetrics()) if (l.type === 'eval') byStep.set(l['time/total_timesteps'], l['eval/mean_return']);
  const evals = [...byStep].map(([step, value]) => ({ step, value })).sort((a, b) => a.step - b.step);
  return { dir, info, evals };
}

/** A field of run.json, else of its overrides (a field no run sets reads as undefined: the preset's value). */
const field = (info: RunInfo, name: string): unknown =>
  Object.hasOwn(info, name) ? (info as unknown as Record<string, unknown>)[name] : info.overrides[name];

/** The grouping key of a run: every run.json field but seed, status, timing and saveEvery, or the --group-by fields. */
function keyOf(info: RunInfo, groupBy: readonly string[] | undefined): Record<string, unknown> {
  if (groupBy !== undefined && groupBy.length > 0) return Object.fromEntries(groupBy.map((f) => [f, field(info, f)]));
  const { seed: _s, status: _st, timing: _t, saveEvery: _sv, target, overrides, ...rest } = info;
  return { ...rest, ...target, ...Object.fromEntries(Object.entries(overrides).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

const show = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? 'default' : JSON.stringify(v));

/** Names of the configurations: the key fields whose values differ between them (all of them when there is one). */
function names(keys: readonly Record<string, unknown>[]): string[] {
  const fields = [...new Set(keys.flatMap((k) => Object.keys(k)))];
  const differ = fields.filter((f) => new Set(keys.map((k) => show(k[f]))).size > 1);
  const shown = differ.length > 0 ? differ : fields.filter((f) => keys.length > 1 || !['version', 'steps', 'episodes', 'evalEvery', 'evalEpisodes'].includes(f));
  return keys.map((k) => shown.map((f) => (['algo', 'env', 'preset'].includes(f) ? show(k[f]) : `${f}=${show(k[f])}`)).join(' ') || 'all runs');
}

/** A return as train prints it; a threshold never reached as ∞. */
const num = (x: number): string => (Number.isFinite(x) ? ret(x) : '∞');
const ci = (i: { point: number; lo: number; hi: number }): string => `${num(i.point)} [${num(i.lo)}, ${num(i.hi)}]`;

function table(results: readonly ConfigResult[], threshold: number | undefined): string {
  const head = ['rank', 'configuration', 'n', 'final mean [95% CI]', 'final IQM [95% CI]'];
  if (threshold !== undefined) head.push(`median steps to ${threshold}`);
  const rows = results.map((r) => {
    const row = [String(r.rank), r.name, String(r.final.n), ci(r.final.mean), ci(r.final.iqm)];
    const t = r.stepsToThreshold;
    if (t !== undefined) row.push(`${num(t.median)} (${t.reached}/${t.n} reached)`);
    return row;
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  return [head, ...rows].map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

/**
 * Reads the runs under `runDirs`, writes the overlay to `outFile` and returns
 * the statistics (the caller prints `table`). Throws naming the path when a
 * directory is missing, holds no run, or no run has an evaluation.
 */
export function writePlot(runDirs: readonly string[], outFile: string, options: PlotOptions = {}): PlotResult {
  if (runDirs.length === 0) throw new Error('writePlot: no run directory given');
  const skipped: string[] = [];
  const runs = [...new Set(runDirs.flatMap((d) => findRuns(d)))].map(readRun).filter((r) => {
    if (r.evals.length === 0) skipped.push(`${r.dir}: no evaluation yet`);
    return r.evals.length > 0;
  });
  if (runs.length === 0) throw new Error(`no run with an evaluation in ${runDirs.join(', ')}`);
  const groups = new Map<string, { key: Record<string, unknown>; runs: Run[] }>();
  for (const r of runs) {
    const key = keyOf(r.info, options.groupBy), id = JSON.stringify(key, (_k, v: unknown) => (v === undefined ? null : v));
    const g = groups.get(id) ?? { key, runs: [] };
    g.runs.push(r);
    groups.set(id, g);
  }
  const list = [...groups.values()];
  for (const g of list) g.runs.sort((a, b) => a.info.seed - b.info.seed || (a.dir < b.dir ? -1 : 1));
  const labels = names(list.map((g) => g.key));
  const boot = options.reps !== undefined ? { reps: options.reps } : {};
  const series: OverlaySeries[] = list.map((g, i) => {
    // The steps every seed evaluated at, so the band never mixes different sets of seeds.
    const steps = g.runs.map((r) => new Set(r.evals.map((p) => p.step))).reduce((a, b) => new Set([...a].filter((s) => b.has(s))));
    const band = [...steps].sort((a, b) => a - b).map((step) => {
      const m = summarize([g.runs.map((r) => r.evals.find((p) => p.step === step)!.value)], boot).mean;
      return { step, mean: m.point, lo: m.lo, hi: m.hi };
    });
    return { label: labels[i]!, seeds: g.runs.map((r) => r.evals), band };
  });
  const unranked = list.map((g, i) => ({
    name: labels[i]!, key: g.key, runs: g.runs.map((r) => r.dir),
    final: summarize([g.runs.map((r) => r.evals[r.evals.length - 1]!.value)], boot),
    ...(options.threshold !== undefined ? { stepsToThreshold: medianStepsToThreshold(g.runs.map((r) => r.evals), options.threshold) } : {}),
  }));
  const order = rank(unranked.map((u) => ({ name: u.name, summary: u.final })));
  const results = order.map((i, k) => ({ ...unranked[i]!, rank: k + 1 }));
  const envs = [...new Set(runs.map((r) => r.info.env))].join(', ');
  const svg = overlaySvg({
    title: `${envs}: evaluation return`,
    subtitle: `mean and 95 % CI over seeds · ${list.length} configuration${list.length === 1 ? '' : 's'} · ${runs.length} run${runs.length === 1 ? '' : 's'}`,
    yLabel: 'evaluation return (mean over episodes)',
    series,
  });
  try {
    writeFileSync(outFile, svg);
  } catch (e) {
    throw new Error(`cannot write ${outFile}: ${(e as Error).message}`);
  }
  return { configs: list.length, runs: runs.length, results, skipped, table: table(results, options.threshold) };
}

export function plotCommand(argv: readonly string[], io: CliIO): number {
  const f = parseArgs(PLOT, argv);
  if (f.bool('help')) return io.help(PLOT);
  const out = f.str('out');
  if (f.args.length === 0) throw new UsageError('at least one RUN_DIR is required', 'plot');
  if (out === undefined) throw new UsageError('--out FILE.svg is required', 'plot');
  const raw = f.str('threshold'), threshold = raw === undefined ? undefined : Number(raw);
  if (threshold !== undefined && (raw!.trim() === '' || !Number.isFinite(threshold))) {
    throw new UsageError(`--threshold expects a number, got ${JSON.stringify(raw)}`, 'plot');
  }
  const r = writePlot(f.args, out, { groupBy: f.list('group-by'), threshold });
  for (const s of r.skipped) io.stderr.write(`ddpg-wasm: skipped ${s}\n`);
  io.stdout.write(`${r.table}\n${r.configs} configuration${r.configs === 1 ? '' : 's'}, ${r.runs} run${r.runs === 1 ? '' : 's'} → ${out}\n`);
  return 0;
}
