/**
 * The sweep spec (`ddpg-wasm sweep SPEC`, `train --config FILE`): a JSON file
 * naming algo, env, preset, fixed overrides (the fields of `--set`), a search
 * space (a grid, random draws, or both), seeds, steps and evaluation settings.
 * Checked like every config: unknown keys are refused with the nearest valid
 * one, and every error names the field and what it allows. Expansion is
 * deterministic: random draws come from an Rng seeded by `random.seed`.
 *
 *   { "algo": "ddpg", "env": "Pendulum-v1", "preset": "keras",
 *     "overrides": { "actorLayers": [64, 64] },
 *     "grid": { "batchSize": [64, 128] },
 *     "random": { "count": 4, "seed": 0, "space": { "actorLr": { "logUniform": [1e-4, 1e-2] }, "tau": { "list": [0.005, 0.01] } } },
 *     "seeds": 5, "steps": 20000, "evalEvery": 2000, "evalEpisodes": 5, "budget": 40, "threshold": -200 }
 *
 * Configurations are the grid's points (the last field varying fastest) ×
 * the random draws; trials are configurations × seeds, in that order, cut to
 * the first `budget`.
 */
import { ENV_IDS } from '../envs/make.js';
import { exp, log } from '../kernels/math.js';
import { Rng } from '../rng.js';
import { ALGO_NAMES, ALGORITHMS } from './algos.js';
import { type Flags, UsageError } from './args.js';
import { parseSets, NORMALIZE } from './sets.js';
import { didYouMean } from './suggest.js';
import {
  checkedChoice, withSchedule, DEFAULT_EVAL_EPISODES, DEFAULT_EVAL_EVERY, defaultSaveEvery, freshSetupAt, readFileOrFail, runSettings,
  type RunSettings, type Setup, type Target, type TrainChoice,
} from './train-setup.js';
import { defaultRunPath } from './run-dir.js';
import type { Point } from '../sweep.js';

export type Distribution =
  | { readonly list: readonly unknown[] }
  | { readonly uniform: readonly [number, number] }
  | { readonly logUniform: readonly [number, number] }
  | { readonly int: readonly [number, number] };

export interface SweepSpec {
  readonly algo: string;
  readonly env: string;
  readonly preset: string;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly grid: Readonly<Record<string, readonly unknown[]>>;
  readonly random: { readonly count: number; readonly seed: number; readonly space: Readonly<Record<string, Distribution>> } | null;
  readonly seeds: readonly number[];
  readonly target: Target;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  readonly saveEvery: number;
  readonly budget: number | null;
  readonly threshold: number | null;
}

export type { Point } from '../sweep.js';

export interface Trial {
  /** `c<config>-s<seed>`: also the name of its run directory. */
  readonly id: string;
  readonly config: string;
  readonly point: Point;
  readonly seed: number;
}

const KEYS = ['algo', 'env', 'preset', 'overrides', 'grid', 'random', 'seeds', 'steps', 'evalEvery', 'evalEpisodes', 'saveEvery', 'budget', 'threshold'];
const RANDOM_KEYS = ['count', 'seed', 'space'];
const DISTRIBUTIONS = ['list', 'uniform', 'logUniform', 'int'];

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** A spec error: names the field (as a path in the file), what it allows, and what it got. */
class SpecError extends UsageError {}

function objectAt(v: unknown, field: string, keys: readonly string[] | null, where: string): Record<string, unknown> {
  if (!isObject(v)) throw new SpecError(`${where}: ${field} must be an object, got ${show(v)}`);
  if (keys !== null) {
    for (const k of Object.keys(v)) {
      if (!keys.includes(k)) throw new SpecError(`${where}: unknown key ${field === 'the spec' ? '' : `${field}.`}${k}${didYouMean(k, keys)}; known: ${keys.join(', ')}`);
    }
  }
  return v;
}

/** An own member (never one of Object.prototype's). */
const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

function name(v: unknown, field: string, known: readonly string[], fallback: string, where: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !known.includes(v)) throw new SpecError(`${where}: ${field} must be one of ${known.join(', ')}, got ${show(v)}${typeof v === 'string' ? didYouMean(v, known) : ''}`);
  return v;
}

function count(v: unknown, field: string, min: number, fallback: number | null, where: string): number | null {
  if (v === undefined) return fallback;
  if (!isInt(v, min)) throw new SpecError(`${where}: ${field} must be an integer ≥ ${min}, got ${show(v)}`);
  return v;
}

/** Checks that `key` (a --set key, `a.b` for a member) names a config field of the algorithm. */
function checkField(key: string, field: string, fields: readonly string[], algo: string, where: string): void {
  const head = key.split('.')[0]!;
  if (!fields.includes(head)) throw new SpecError(`${where}: ${field}: ${show(key)} is not a ${algo} config field${didYouMean(head, fields)}`);
  if (head === 'seed') throw new SpecError(`${where}: ${field}: seed is not a config point; list the seeds in "seeds"`);
}

function pair(v: unknown, field: string, kind: string, where: string): [number, number] {
  const ok = Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && (v[0] as number) < (v[1] as number);
  if (!ok) throw new SpecError(`${where}: ${field}.${kind} must be [lo, hi] with finite lo < hi, got ${show(v)}`);
  const [lo, hi] = v as [number, number];
  if (kind === 'logUniform' && !(lo > 0)) throw new SpecError(`${where}: ${field}.logUniform needs 0 < lo < hi, got ${show(v)}`);
  if (kind === 'int' && !(Number.isSafeInteger(lo) && Number.isSafeInteger(hi))) throw new SpecError(`${where}: ${field}.int must be [lo, hi] integers, got ${show(v)}`);
  return [lo, hi];
}

function list(v: unknown, field: string, where: string): unknown[] {
  if (!Array.isArray(v) || v.length === 0) throw new SpecError(`${where}: ${field} must be a non-empty list of values, got ${show(v)}`);
  return v;
}

function distribution(v: unknown, field: string, where: string): Distribution {
  const o = objectAt(v, field, DISTRIBUTIONS, where);
  const kinds = Object.keys(o);
  if (kinds.length !== 1) throw new SpecError(`${where}: ${field} must have exactly one of ${DISTRIBUTIONS.join(', ')}, got ${show(v)}`);
  const kind = kinds[0]!;
  if (kind === 'list') return { list: list(o.list, `${field}.list`, where) };
  const range = pair(o[kind], field, kind, where);
  return kind === 'uniform' ? { uniform: range } : kind === 'logUniform' ? { logUniform: range } : { int: range };
}

/** Copies of `o`'s own entries, each key checked as a config field, each value checked by `check`. */
function fieldMap<T>(o: Record<string, unknown>, field: string, fields: readonly string[], algo: string, where: string, check: (v: unknown, f: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o)) {
    checkField(k, field, fields, algo, where);
    Object.defineProperty(out, k, { value: check(o[k], `${field}.${k}`), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The spec `v` (parsed JSON), checked, with every default filled in (throws UsageError naming the field). */
export function parseSpec(v: unknown, where = 'sweep spec'): SweepSpec {
  const o = objectAt(v, 'the spec', KEYS, where);
  const algo = name(own(o, 'algo'), 'algo', ALGO_NAMES, 'ddpg', where);
  const a = ALGORITHMS[algo]!;
  const env = name(own(o, 'env'), 'env', ENV_IDS, 'Pendulum-v1', where);
  const presets = Object.keys(a.presets);
  const preset = name(own(o, 'preset'), 'preset', presets, presets[0]!, where);
  const overrides = fieldMap(objectAt(own(o, 'overrides') ?? {}, 'overrides', null, where), 'overrides', a.fields, algo, where, (x) => x);
  const { [NORMALIZE]: _normalize, ...merged } = overridesOf(algo, preset, overrides, {}); // normalize is checked per trial (checkedChoice)
  try {
    a.validate({ ...withSchedule(merged, { steps: 1 }, env), preset, seed: 0 }); // scheduleSteps: the trial's length
  } catch (e) {
    throw new SpecError(`${where}: overrides: ${(e as Error).message}`);
  }
  const grid = fieldMap(objectAt(own(o, 'grid') ?? {}, 'grid', null, where), 'grid', a.fields, algo, where, (x, f) => list(x, f, where));
  let random: SweepSpec['random'] = null;
  if (own(o, 'random') !== undefined) {
    const r = objectAt(own(o, 'random'), 'random', RANDOM_KEYS, where);
    const space = fieldMap(objectAt(own(r, 'space'), 'random.space', null, where), 'random.space', a.fields, algo, where, (x, f) => distribution(x, f, where));
    if (Object.keys(space).length === 0) throw new SpecError(`${where}: random.space must name at least one field`);
    random = { count: count(own(r, 'count'), 'random.count', 1, null, where) ?? fail(where, 'random.count', 'an integer ≥ 1'), seed: count(own(r, 'seed'), 'random.seed', 0, 0, where)!, space };
  }
  for (const k of Object.keys(grid)) if (random !== null && Object.hasOwn(random.space, k)) throw new SpecError(`${where}: ${k} is in both grid and random.space`);
  const seeds = seedList(own(o, 'seeds'), where);
  const steps = count(own(o, 'steps'), 'steps', 1, null, where);
  const evalEvery = count(own(o, 'evalEvery'), 'evalEvery', 0, DEFAULT_EVAL_EVERY, where)!;
  const threshold = own(o, 'threshold');
  if (threshold !== undefined && !(typeof threshold === 'number' && Number.isFinite(threshold))) throw new SpecError(`${where}: threshold must be a finite number (an evaluation return), got ${show(threshold)}`);
  return {
    algo, env, preset, overrides, grid, random, seeds,
    target: steps !== null ? { steps } : { episodes: 100 },
    evalEvery, evalEpisodes: count(own(o, 'evalEpisodes'), 'evalEpisodes', 1, DEFAULT_EVAL_EPISODES, where)!,
    saveEvery: count(own(o, 'saveEvery'), 'saveEvery', 0, defaultSaveEvery(evalEvery), where)!,
    budget: count(own(o, 'budget'), 'budget', 1, null, where), threshold: (threshold as number | undefined) ?? null,
  };
}

function fail(where: string, field: string, want: string): never {
  throw new SpecError(`${where}: ${field} must be ${want}`);
}

function seedList(v: unknown, where: string): number[] {
  if (v === undefined) return [0];
  if (isInt(v, 1)) return Array.from({ length: v }, (_, i) => i);
  const ok = Array.isArray(v) && v.length > 0 && v.every((s) => isInt(s, 0)) && new Set(v).size === v.length;
  if (!ok) throw new SpecError(`${where}: seeds must be a count ≥ 1 or a non-empty list of distinct integers ≥ 0, got ${show(v)}`);
  return v as number[];
}

/** Reads and checks a spec file (throws a UsageError of `command` naming the file and the field). */
export function readSpec(path: string, command = 'sweep'): SweepSpec {
  const text = Buffer.from(readFileOrFail(path, 'spec')).toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON: ${(e as Error).message}`, command);
  }
  try {
    return parseSpec(v, path);
  } catch (e) {
    throw e instanceof SpecError ? new UsageError(e.message, command) : e;
  }
}

/** The agent overrides of `point` on top of the spec's fixed ones, merged as `--set` merges (a.b keys set one member). */
export function overridesOf(algo: string, preset: string, fixed: Point, point: Point): Record<string, unknown> {
  const sets = [...Object.entries(fixed), ...Object.entries(point)].map(([k, val]) => `${k}=${JSON.stringify(val)}`);
  return parseSets(sets, ALGORITHMS[algo]!, preset, 'sweep');
}

function draw(d: Distribution, rng: Rng): unknown {
  if ('list' in d) return d.list[rng.int(d.list.length)];
  if ('uniform' in d) return rng.uniform(d.uniform[0], d.uniform[1]);
  if ('int' in d) return d.int[0] + rng.int(d.int[1] - d.int[0] + 1);
  const [lo, hi] = d.logUniform; // lo·(hi/lo)^u, with the deterministic exp/log of kernels/math.ts
  return lo * exp(rng.float() * log(hi / lo));
}

/** Every configuration of the spec, in order: grid points (last field fastest) × random draws. */
export function configurations(spec: SweepSpec): Point[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(spec.grid)) points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  if (spec.random === null) return points;
  const rng = new Rng(spec.random.seed, 'sweep');
  const draws = Array.from({ length: spec.random.count }, () => Object.fromEntries(Object.entries(spec.random!.space).map(([k, d]) => [k, draw(d, rng)])));
  return points.flatMap((p) => draws.map((d) => ({ ...p, ...d })));
}

/** The trials: configurations × seeds, cut to the budget. */
export function trials(spec: SweepSpec): Trial[] {
  const configs = configurations(spec);
  const width = String(configs.length - 1).length;
  const all = configs.flatMap((point, i) => {
    const config = `c${String(i).padStart(width, '0')}`;
    return spec.seeds.map((seed) => ({ id: `${config}-s${seed}`, config, point, seed }));
  });
  return spec.budget === null ? all : all.slice(0, spec.budget);
}

export const runSettingsOf = (spec: SweepSpec): RunSettings => ({
  target: spec.target, evalEvery: spec.evalEvery, evalEpisodes: spec.evalEpisodes, saveEvery: spec.saveEvery,
});

/** The checked agent choice of a configuration at a seed (throws UsageError for a bad config point). */
function choiceOf(spec: SweepSpec, point: Point, seed: number, command: string): TrainChoice {
  return checkedChoice(spec.algo, spec.env, spec.preset, overridesOf(spec.algo, spec.preset, spec.overrides, point), seed, command, spec.target);
}

/** A new run of one trial in `out` (throws UsageError for a bad config point). */
export function trialSetup(spec: SweepSpec, trial: Trial, out: string): Setup {
  return freshSetupAt(choiceOf(spec, trial.point, trial.seed, 'sweep'), out, runSettingsOf(spec));
}

/** `train --config FILE`: the one configuration of a spec, at --seed or its one seed; the run flags override the file's. */
export function configSetup(f: Flags): Setup {
  for (const flag of ['env', 'algo', 'preset', 'set']) {
    if (f.has(flag)) throw new UsageError(`--${flag} cannot be combined with --config (the file sets it)`, 'train');
  }
  const path = f.str('config')!;
  const spec = readSpec(path, 'train');
  const points = configurations(spec);
  if (points.length > 1) throw new UsageError(`--config ${path} describes ${points.length} configurations (grid/random); train runs one: use ddpg-wasm sweep ${path}`, 'train');
  const seed = f.int('seed') ?? (spec.seeds.length === 1 ? spec.seeds[0]! : null);
  if (seed === null) throw new UsageError(`--config ${path} lists ${spec.seeds.length} seeds; pick one with --seed (or use ddpg-wasm sweep)`, 'train');
  const choice = choiceOf(spec, points[0]!, seed, 'train');
  return freshSetupAt(choice, f.str('out') ?? defaultRunPath(spec.env, spec.algo, seed), runSettings(f, runSettingsOf(spec)));
}
