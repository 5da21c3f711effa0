/**
 * What `train` runs: a fresh agent from the flags, or one restored from a full
 * checkpoint (--resume) together with its run.json settings and its metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EVAL_EPISODES } from '../agents/loop.js';
import { decodeContainer } from '../nn/container.js';
import { ENV_IDS, isEnvId, makeEnv } from '../envs/make.js';
import { type Agent, type Algorithm, ALGO_NAMES, ALGORITHMS, pickAlgo, pickPreset, presetOf } from './algos.js';
import { type Flags, UsageError } from './args.js';
import { defaultRunPath, FILES, type MetricLine, metricsUpTo, RunDir, type RunInfo, type Timing, ZERO_TIMING } from './run-dir.js';
import { NORMALIZE, parseSets } from './sets.js';
import { NormalizeEnv, type NormalizeOptions } from '../normalize.js';
import type { Env } from '../envs/env.js';
import { didYouMean } from './suggest.js';

/** The default job: 100 Pendulum episodes = 20 000 steps. */
export const DEFAULT_EPISODES = 100;
/** 10 evaluations over the default run. */
export const DEFAULT_EVAL_EVERY = 2000;
/** learn()'s default, Stable-Baselines3's EvalCallback's (n_eval_episodes=5). */
export const DEFAULT_EVAL_EPISODES = EVAL_EPISODES;
/** Periodic checkpoints by default: at every evaluation (every DEFAULT_EVAL_EVERY steps without them). */
export const defaultSaveEvery = (evalEvery: number): number => (evalEvery > 0 ? evalEvery : DEFAULT_EVAL_EVERY);
export type Target = RunInfo['target'];

export interface Setup {
  readonly agent: Agent;
  readonly algo: string;
  readonly env: string;
  readonly preset: string;
  readonly target: Target;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  /** Steps between periodic checkpoints (0 = only at the end). */
  readonly saveEvery: number;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly dir: RunDir;
  /** Records of earlier sessions (resume), already written to dir's metrics.jsonl. */
  readonly history: readonly MetricLine[];
  readonly timing: Timing;
  readonly resumedFrom: string | null;
}

/** What the flags of a fresh `train` choose: algorithm, env, preset and the validated agent options (throws UsageError). */
export interface TrainChoice {
  readonly algoName: string;
  readonly algo: Algorithm;
  readonly env: string;
  readonly preset: string;
  readonly overrides: Record<string, unknown>;
  readonly seed: number;
  readonly options: Record<string, unknown> & { readonly preset: string; readonly seed: number };
  /** --set normalize: the NormalizeEnv options, or null (no normalization). */
  readonly normalize: NormalizeOptions | null;
}

/** The flags of a fresh `train` → a checked choice; touches no file. */
export function trainChoice(f: Flags): TrainChoice {
  const algoName = f.str('algo') ?? 'ddpg';
  const algo = pickAlgo(algoName, 'train');
  const env = f.str('env') ?? 'Pendulum-v1';
  if (!isEnvId(env)) throw new UsageError(`unknown --env ${JSON.stringify(env)}; known: ${ENV_IDS.join(', ')}${didYouMean(env, ENV_IDS)}`, 'train');
  const preset = pickPreset(algoName, f.str('preset'), 'train');
  const overrides = parseSets(f.list('set'), algo, preset, 'train');
  return checkedChoice(algoName, env, preset, overrides, f.int('seed') ?? (overrides.seed as number | undefined) ?? 0, 'train', targetFrom(f));
}

/**
 * RL Zoo's habit: a "lin_X" learning rate falls to 0 over the run. Without an
 * explicit scheduleSteps, the run's length (its steps, or episodes × the time
 * limit) is taken.
 */
export function withSchedule(overrides: Record<string, unknown>, target: Target, env: string): Record<string, unknown> {
  const lin = Object.values(overrides).some((v) => typeof v === 'string' && v.startsWith('lin_'));
  if (!lin || overrides.scheduleSteps !== undefined) return overrides;
  return { ...overrides, scheduleSteps: 'steps' in target ? target.steps : target.episodes * makeEnv(env).maxEpisodeSteps };
}

/** A choice of names already checked (a known algorithm, env and preset): validates the agent options (throws UsageError). */
export function checkedChoice(algoName: string, env: string, preset: string, overrides: Record<string, unknown>, seed: number, command: string,
                              target: Target = { episodes: DEFAULT_EPISODES }): TrainChoice {
  const algo = ALGORITHMS[algoName]!;
  const { [NORMALIZE]: norm, ...agentOverrides } = withSchedule(overrides, target, env);
  const normalize = normalizeChoice(norm, env, command);
  const options = { ...agentOverrides, preset, seed };
  try {
    algo.validate(options);
  } catch (e) {
    throw new UsageError(`invalid configuration: ${(e as Error).message}`, command);
  }
  return { algoName, algo, env, preset, overrides, seed, options, normalize };
}

/** --set normalize=…: null (absent or false) or NormalizeEnv's options, checked on `env` (throws UsageError naming the field). */
function normalizeChoice(v: unknown, env: string, command: string): NormalizeOptions | null {
  if (v === undefined || v === false) return null;
  if (v !== true && (typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new UsageError(`invalid configuration: normalize must be true, false or an object of { obs, reward, clipObs, clipReward, gamma, epsilon }, got ${JSON.stringify(v)}`, command);
  }
  const o = v === true ? {} : v as NormalizeOptions;
  try {
    new NormalizeEnv(makeEnv(env), o);
  } catch (e) {
    throw new UsageError(`invalid configuration: ${(e as Error).message.replace(/^NormalizeEnv: /, 'normalize: ')}`, command);
  }
  return o;
}

/** How long a run trains, how it evaluates and how often it saves. */
export interface RunSettings {
  readonly target: Target;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  readonly saveEvery: number;
}

/** The run settings the flags give, on top of `base` (the defaults, or a config file's). */
export function runSettings(f: Flags, base: Partial<RunSettings> = {}): RunSettings {
  const evalEvery = f.int('eval-every') ?? base.evalEvery ?? DEFAULT_EVAL_EVERY;
  return {
    target: targetFrom(f) ?? base.target ?? { episodes: DEFAULT_EPISODES }, evalEvery,
    evalEpisodes: f.int('eval-episodes') ?? base.evalEpisodes ?? DEFAULT_EVAL_EPISODES,
    saveEvery: f.int('save-every') ?? base.saveEvery ?? defaultSaveEvery(evalEvery),
  };
}

export function freshSetup(f: Flags): Setup {
  const choice = trainChoice(f);
  return freshSetupAt(choice, f.str('out') ?? defaultRunPath(choice.env, choice.algoName, choice.seed), runSettings(f));
}

/** A new run of `choice` in the directory `out` (which must not hold a run yet). */
export function freshSetupAt(choice: TrainChoice, out: string, settings: RunSettings): Setup {
  const { algoName, algo, env, preset, overrides, options, normalize } = choice;
  const dir = new RunDir(out);
  if (dir.holdsRun()) {
    const checkpoint = dir.file(FILES.checkpoint);
    throw new Error(existsSync(checkpoint)
      ? `${dir.path} already holds a run; choose another --out, or continue it with --resume ${checkpoint}`
      : `${dir.path} already holds (the start of) a run but no ${FILES.checkpoint} to resume from (it stopped before its first save); choose another --out, or delete the directory`);
  }
  dir.create(); // before any work: a directory that cannot be made fails now
  const agent = algo.create(normalize === null ? makeEnv(env) : new NormalizeEnv(makeEnv(env), normalize), options);
  return { agent, algo: algoName, env, preset, ...settings, overrides, dir, history: [], timing: ZERO_TIMING, resumedFrom: null };
}

function targetFrom(f: Flags): Target | undefined {
  const steps = f.int('steps'), episodes = f.int('episodes');
  return steps !== undefined ? { steps } : episodes !== undefined ? { episodes } : undefined;
}

export function readFileOrFail(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new Error(`cannot read ${what} ${path}: ${why}`);
  }
}

/** The algorithm and kind ('full' | 'policy') stored in a checkpoint's header, and the env a NormalizeEnv run loads on (else null). */
export function checkpointHeader(bytes: Uint8Array): { algo: string; kind: string; normalized: (() => Env) | null } {
  const h = decodeContainer(bytes, 'checkpoint', ['full', 'policy']).header as Record<string, unknown> & { env?: { id?: unknown; options?: object } };
  const env = (): Env => new NormalizeEnv(makeEnv(String(h.env?.id), h.env?.options ?? {}));
  return { algo: String(h.algo), kind: String(h.kind), normalized: h.normalize === undefined ? null : env };
}

export function resumeSetup(f: Flags): Setup {
  for (const name of ['env', 'algo', 'preset', 'seed', 'set', 'config']) {
    if (f.has(name)) throw new UsageError(`--${name} cannot be combined with --resume (the checkpoint fixes it)`, 'train');
  }
  return resumeSetupAt(f.str('resume')!, f.str('out'), (info) => runSettings(f, info ?? {}));
}

/** The run of the full checkpoint `path`, continued in `out` (default: its own directory) with `settings` (given its run.json). */
export function resumeSetupAt(path: string, out: string | undefined, settings: (info: RunInfo | null) => RunSettings): Setup {
  const bytes = readFileOrFail(path, 'checkpoint');
  const { algo: algoName, kind, normalized } = checkpointHeader(bytes);
  if (kind !== 'full') throw new Error(`${path} is a ${kind}-only file; --resume needs the full checkpoint (${FILES.checkpoint})`);
  if (!Object.hasOwn(ALGORITHMS, algoName)) throw new Error(`${path} holds a ${algoName} agent; this CLI trains ${ALGO_NAMES.join(', ')}`);
  const algo = ALGORITHMS[algoName]!;
  const agent = algo.load(bytes, normalized?.());
  const src = new RunDir(dirname(path));
  const info = src.readRunInfo();
  if (info !== null) checkRunMatches(info, src.file(FILES.run), algoName, agent.env.id, [...Object.keys(algo.presets), 'custom']);
  const dir = new RunDir(out ?? src.path);
  const history = metricsUpTo(src.readMetrics(), agent.loop.steps, agent.loop.episodes);
  if (resolve(dir.path) !== resolve(src.path) && dir.holdsRun()) {
    throw new Error(`${dir.path} already holds a run; choose another --out`);
  }
  dir.create();
  dir.writeMetrics(history);
  return {
    agent, algo: algoName, env: agent.env.id,
    preset: info?.preset ?? presetOf(algo, agent.config),
    ...settings(info),
    overrides: info?.overrides ?? {}, dir, history, timing: info?.timing ?? ZERO_TIMING, resumedFrom: path,
  };
}

/** A run.json beside the checkpoint must describe its run (one copied from another run would bring that run's target and settings). */
function checkRunMatches(info: RunInfo, path: string, algo: string, env: string, presets: readonly string[]): void {
  const wrong = (field: string, want: string, got: string): never => {
    throw new Error(`${path}: ${field} must be ${want}, got ${JSON.stringify(got)}; it belongs to another run (move it away, and pass --steps or --episodes)`);
  };
  if (info.algo !== algo) wrong('algo', `the checkpoint's "${algo}"`, info.algo);
  if (info.env !== env) wrong('env', `the checkpoint's "${env}"`, info.env);
  if (!presets.includes(info.preset)) wrong('preset', `one of ${presets.join(', ')}`, info.preset);
}
