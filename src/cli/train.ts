/**
 * `ddpg-wasm train`: builds (or resumes) an agent, trains it with progress on
 * the terminal, and writes the run directory (run-dir.ts). SIGINT/SIGTERM stop
 * training between two steps through the AbortSignal of learn(), then every
 * file is written as after a normal end and the exit code is 130/143.
 */
import { existsSync } from 'node:fs';
import type { EvalRecord } from '../agents/agent.js';
import { ENV_IDS } from '../envs/make.js';
import { VERSION } from '../version.js';
import { ALGO_NAMES, pickAlgo, presetNotes } from './algos.js';
import { type CommandSpec, parseArgs } from './args.js';
import type { CliIO } from './io.js';
import { Progress, type ProgressMode, formatDuration } from './progress.js';
import { type EvalLine, FILES, type RunInfo, type Summary, type Timing } from './run-dir.js';
import { AVG_WINDOW, mean, Session } from './session.js';
import { learningCurveSvg } from './svg.js';
import { configSetup } from './sweep-spec.js';
import { DEFAULT_THREADS, MAX_CLI_THREADS, startThreads } from './threads.js';
import { DEFAULT_EPISODES, DEFAULT_EVAL_EPISODES, DEFAULT_EVAL_EVERY, freshSetup, resumeSetup, type Setup } from './train-setup.js';

export const TRAIN: CommandSpec = {
  name: 'train',
  summary: 'Train an agent; writes metrics, summary, checkpoint, policy and a learning curve to a run directory.',
  usage: 'ddpg-wasm train [--env ID] [--algo NAME] [--preset NAME] [--steps N | --episodes N] [--seed N] [options]',
  flags: [
    { name: 'env', type: 'string', value: 'ID', help: `environment: ${ENV_IDS.join(', ')} (default Pendulum-v1)` },
    { name: 'algo', type: 'string', value: 'NAME', help: `algorithm: ${ALGO_NAMES.join(', ')} (default ddpg)` },
    { name: 'preset', type: 'string', value: 'NAME', help: "config preset of the algorithm (listed below; default the algorithm's first); ddpg-wasm config lists its fields" },
    { name: 'steps', type: 'int', min: 1, value: 'N', help: 'stop after N environment steps in total' },
    { name: 'episodes', type: 'int', min: 1, value: 'N', help: `stop after N episodes in total (default ${DEFAULT_EPISODES}: 20 000 Pendulum steps)` },
    { name: 'seed', type: 'int', value: 'N', help: 'seed of every generator of the run (default 0)' },
    { name: 'out', type: 'string', value: 'DIR', help: 'run directory (default runs/<env>-<algo>-s<seed>-<timestamp>)' },
    { name: 'eval-every', type: 'int', value: 'N', help: `evaluate the deterministic policy every N steps, 0 = only at the end (default ${DEFAULT_EVAL_EVERY})` },
    { name: 'eval-episodes', type: 'int', min: 1, value: 'N', help: `episodes per evaluation (default ${DEFAULT_EVAL_EPISODES})` },
    { name: 'save-every', type: 'int', value: 'N', help: 'write checkpoint.ddpg every N steps, 0 = only at the end (default: at every evaluation, else every 2000)' },
    { name: 'resume', type: 'string', value: 'FILE', help: 'continue the run of a full checkpoint bit-identically, up to --steps/--episodes (default: its original target)' },
    { name: 'config', type: 'string', value: 'FILE', help: 'a sweep spec (JSON) of one configuration: algo, env, preset, overrides, steps, evalEvery, …; flags override it' },
    { name: 'set', type: 'list', value: 'KEY=VALUE', help: 'set a config field, repeatable; JSON values: --set actorLr=5e-4 --set actorLayers=[64,64] (ddpg-wasm config lists them)' },
    { name: 'threads', type: 'int', min: 1, max: MAX_CLI_THREADS, value: 'N', help: `threads for the agent's kernels, same results for any N (default ${DEFAULT_THREADS}; docs/PERFORMANCE.md, "Threads")` },
    { name: 'json', type: 'boolean', help: 'print summary.json on stdout (human output goes to stderr)' },
    { name: 'quiet', type: 'boolean', help: 'no progress output, only the final summary' },
  ],
  notes: [
    presetNotes(), // the first note: train --algo NAME --help shows that algorithm's alone
    'Files: metrics.jsonl (one record per episode and per evaluation) and progress.csv (the same rows, SB3\'s keys),\n' +
    'summary.json, checkpoint.ddpg (full state),\n' +
    'policy.ddpg (actor only), best-policy.ddpg (the policy of the best periodic evaluation so far, as SB3\'s\n' +
    'EvalCallback), curve.svg (learning curve), run.json (the settings --resume reuses). Every file of\n' +
    'this library is .ddpg whatever the algorithm: its header names the algorithm, and eval and --resume read it.',
    'checkpoint.ddpg is also written every --save-every steps (atomically), so a crash or kill -9 loses at most\n' +
    'that much; --resume DIR/checkpoint.ddpg continues from it bit-identically.',
    'Ctrl-C stops between two steps, writes every file including a full checkpoint, and exits with code 130\n' +
    '(143 for SIGTERM); a second Ctrl-C quits at once without saving. Continue with --resume DIR/checkpoint.ddpg.',
    'Exit codes: 0 done, 1 runtime error, 2 bad command line, 130/143 interrupted (files written).',
  ],
};

/** A return for people: one decimal for large values, four significant digits for small ones (no "-0.0"). */
export const ret = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : String(Number(x.toPrecision(4))));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const addTiming = (a: Timing, b: Timing): Timing => ({
  wallSeconds: a.wallSeconds + b.wallSeconds, trainSeconds: a.trainSeconds + b.trainSeconds,
  steps: a.steps + b.steps, updates: a.updates + b.updates,
});

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function runInfo(s: Setup, status: RunInfo['status'], timing: Timing): RunInfo {
  return {
    version: VERSION, algo: s.algo, env: s.env, preset: s.preset, seed: s.agent.config.seed, target: s.target,
    evalEvery: s.evalEvery, evalEpisodes: s.evalEpisodes, saveEvery: s.saveEvery, overrides: s.overrides, status, timing,
  };
}

/** The final evaluation: the periodic one at the last step if there is one, else a fresh run. */
async function finalEval(s: Setup, session: Session): Promise<EvalRecord> {
  const last = session.evals[session.evals.length - 1];
  if (last !== undefined && last['time/total_timesteps'] === s.agent.loop.steps && last['eval/returns'].length === s.evalEpisodes) return last;
  const r = await s.agent.evaluate(s.evalEpisodes);
  const rec: EvalLine = { type: 'eval', final: true, ...r };
  s.dir.appendMetric(rec);
  session.evals.push(rec);
  return r;
}

function buildSummary(s: Setup, session: Session, ev: EvalRecord, timing: Timing): Summary {
  const last = session.lastReturns();
  const perSec = (n: number): number => (timing.trainSeconds > 0 ? round(n / timing.trainSeconds, 1) : 0);
  return {
    version: VERSION, algo: s.algo, env: s.env, preset: s.preset, seed: s.agent.config.seed,
    steps: s.agent.loop.steps, episodes: s.agent.loop.episodes,
    wallSeconds: round(timing.wallSeconds, 3),
    envStepsPerSecond: perSec(timing.steps), updatesPerSecond: perSec(timing.updates),
    trainReturnLast10: last.length > 0 ? mean(last) : null,
    eval: { mean: ev['eval/mean_return'], std: ev['eval/std_return'], episodes: ev['eval/returns'].length },
    weightsHash: s.agent.weightsHash(),
  };
}

function curve(s: Setup, session: Session): string {
  return learningCurveSvg({
    title: `${s.algo.toUpperCase()} on ${s.env} · seed ${s.agent.config.seed}`,
    subtitle: `${s.preset} preset · ${s.agent.loop.steps} steps · ${s.agent.loop.episodes} episodes`,
    episodes: session.episodes,
    evals: session.evals.map((e) => ({ step: e['time/total_timesteps'], mean: e['eval/mean_return'], std: e['eval/std_return'] })),
    window: AVG_WINDOW,
  });
}

/** Writes checkpoint, policy, summary, curve and run.json; returns the summary. */
async function writeOutputs(s: Setup, session: Session): Promise<Summary> {
  const { dir, agent } = s;
  dir.writeAtomic(FILES.checkpoint, agent.save());
  dir.writeAtomic(FILES.policy, agent.save({ kind: 'policy' }));
  const timing = addTiming(s.timing, session.sessionTiming());
  const ev = await finalEval(s, session);
  const summary = buildSummary(s, session, ev, timing);
  dir.writeJson(FILES.summary, summary);
  dir.writeAtomic(FILES.curve, curve(s, session));
  dir.writeJson(FILES.run, runInfo(s, session.targetReached() ? 'complete' : 'interrupted', timing));
  return summary;
}

function startLine(s: Setup): string {
  const what = `${s.algo.toUpperCase()} (${s.preset} preset) on ${s.env}, seed ${s.agent.config.seed}`;
  const until = 'steps' in s.target ? `${s.target.steps} steps` : `${s.target.episodes} episodes`;
  const from = s.resumedFrom !== null ? `Resuming ${what} from ${s.resumedFrom} at step ${s.agent.loop.steps}` : `Training ${what}`;
  return `${from} until ${until} → ${s.dir.path}`;
}

function summaryText(s: Setup, sum: Summary, signal: NodeJS.Signals | null, next: boolean): string {
  const best = existsSync(s.dir.file(FILES.best)); // absent without periodic evaluations
  const lines = [
    `${signal !== null ? `Interrupted by ${signal}` : 'Done'}: ${plural(sum.steps, 'step')}, ${plural(sum.episodes, 'episode')} in ${formatDuration(sum.wallSeconds)} ` +
      `(${sum.envStepsPerSecond.toFixed(0)} env steps/s, ${sum.updatesPerSecond.toFixed(0)} updates/s)`,
    `Final evaluation (${plural(sum.eval.episodes, 'episode')}): ${ret(sum.eval.mean)} ± ${ret(sum.eval.std)}; ` +
      `training return, last ${AVG_WINDOW} episodes: ${sum.trainReturnLast10 === null ? '–' : ret(sum.trainReturnLast10)}`,
    `weightsHash ${sum.weightsHash}`,
    `Files in ${s.dir.path}: ${[FILES.summary, FILES.metrics, FILES.csv, FILES.checkpoint, FILES.policy, ...(best ? [FILES.best] : []), FILES.curve, FILES.run].join(', ')}`,
  ];
  if (signal !== null) lines.push(`Continue with: ddpg-wasm train --resume ${s.dir.file(FILES.checkpoint)}`);
  else if (next) {
    lines.push(`Next: ddpg-wasm eval --checkpoint ${s.dir.file(FILES.policy)}`);
    if (best) lines.push(`Best (evaluation ${ret(s.agent.loop.bestMeanReturn)}): ddpg-wasm eval --checkpoint ${s.dir.file(FILES.best)}`);
    lines.push(`Curve: ${s.dir.file(FILES.curve)}`);
  }
  return lines.join('\n');
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 }; // 128 + signal number

/** A session of `setup` whose periodic saves write the checkpoint and the run.json to resume it with. */
export function trainSession(setup: Setup, progress: Progress, verbose: boolean): Session {
  const session: Session = new Session(setup, progress, verbose, () => {
    // A periodic checkpoint and the run.json to resume it with (timing up to this point).
    setup.dir.writeAtomic(FILES.checkpoint, setup.agent.save());
    setup.dir.writeJson(FILES.run, runInfo(setup, 'running', addTiming(setup.timing, session.sessionTiming())));
  });
  return session;
}

/**
 * Trains `setup` to its target (or until `session.stop` aborts) and writes the
 * run directory; `trained` runs when training ends, before the final files.
 * One run of `train`, and one trial of `sweep`. With `until` (a queue job's
 * chunk), training also stops at that step: then the run is left as a
 * periodic save leaves it (checkpoint and run.json) and the result is null.
 */
export async function trainRun(setup: Setup, session: Session, trained?: () => void, until = Infinity): Promise<Summary | null> {
  setup.dir.writeJson(FILES.run, runInfo(setup, 'running', setup.timing));
  await session.run(until);
  if (setup.agent.loop.steps >= until && !session.targetReached() && !session.stop.signal.aborted) return null;
  trained?.();
  return writeOutputs(setup, session);
}

export async function trainCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseArgs(TRAIN, argv);
  if (f.bool('help')) {
    // With --algo, the help lists that algorithm's presets (with their sources) instead of every algorithm's.
    const algo = f.str('algo');
    if (algo === undefined) return io.help(TRAIN);
    pickAlgo(algo, 'train');
    return io.help({ ...TRAIN, notes: [presetNotes(algo), ...TRAIN.notes!.slice(1)] });
  }
  f.exclusive('steps', 'episodes');
  const threads = await startThreads(f.int('threads') ?? DEFAULT_THREADS);
  const setup = f.has('resume') ? resumeSetup(f) : f.has('config') ? configSetup(f) : freshSetup(f);
  const human = f.bool('json') ? io.stderr : io.stdout;
  const mode: ProgressMode = f.bool('quiet') ? 'off' : human.isTTY ? 'bar' : 'lines';
  const progress = new Progress(human, mode);
  const session = trainSession(setup, progress, f.bool('verbose'));
  progress.message(startLine(setup) + (threads === null ? '' : ` (${threads})`));
  if (f.bool('verbose')) progress.message(`config: ${JSON.stringify(setup.agent.config)}`);
  let finishing = false;
  let lateSignal = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (finishing) {
      // Training already reached its target: let the final evaluation and the
      // files complete (the run is not "interrupted"); a second signal quits now.
      if (lateSignal) process.exit(SIGNAL_EXIT[sig] ?? 1);
      lateSignal = true;
      progress.message(`${sig}: training is done, finishing the run files (again to quit now)`);
      return;
    }
    if (session.signal !== null) process.exit(SIGNAL_EXIT[sig] ?? 1); // second signal: quit without saving
    session.signal = sig;
    session.stop.abort();
    progress.message(`${sig}: stopping after this step and saving (again to quit without saving)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = (await trainRun(setup, session, () => { finishing = session.signal === null; }))!;
    if (f.bool('json')) io.stdout.write(`${JSON.stringify(summary)}\n`);
    if (!f.bool('json') || !f.bool('quiet')) human.write(`${summaryText(setup, summary, session.signal, !f.bool('json') && !f.bool('quiet'))}\n`);
    return session.signal === null ? 0 : (SIGNAL_EXIT[session.signal] ?? 1);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
