#!/usr/bin/env node
/**
 * The `ddpg-wasm` command (package.json "bin"): train, eval, bench, plot, sweep, config, worker.
 * Exit codes: 0 success; 1 runtime failure (one line, the stack with
 * --verbose); 2 bad command line (the offending flag, the nearest valid one and
 * the usage); 130 / 143 training interrupted by SIGINT / SIGTERM after every
 * file was written.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { initSync } from '../index.js';
import { VERSION } from '../version.js';
import { type CommandSpec, UsageError } from './args.js';
import { BENCH, benchCommand } from './bench.js';
import { CONFIG, configCommand } from './config.js';
import { EVAL, evalCommand } from './eval.js';
import { type CliIO, processIO } from './io.js';
import { PLOT, plotCommand } from './plot.js';
import { didYouMean } from './suggest.js';
import { SWEEP, sweepCommand } from './sweep.js';
import { TRAIN, trainCommand } from './train.js';
import { WORKER, workerCommand } from './queue.js';

/** ddpg-wasm/sweep (package.json "exports"; types in src/sweep.ts): importing this file runs no command. */
export { runSweep } from './sweep.js';

interface Command {
  readonly spec: CommandSpec;
  run(argv: readonly string[], io: CliIO): number | Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  train: { spec: TRAIN, run: trainCommand },
  eval: { spec: EVAL, run: evalCommand },
  bench: { spec: BENCH, run: benchCommand },
  plot: { spec: PLOT, run: plotCommand },
  sweep: { spec: SWEEP, run: sweepCommand },
  config: { spec: CONFIG, run: configCommand },
  worker: { spec: WORKER, run: workerCommand },
};
const NAMES = Object.keys(COMMANDS);

function topHelp(): string {
  const width = Math.max(...NAMES.map((n) => n.length)) + 2;
  return [
    `ddpg-wasm ${VERSION}: deterministic DDPG on SIMD WebAssembly`,
    '',
    'Usage: ddpg-wasm <command> [options]',
    '',
    'Commands:',
    ...NAMES.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.spec.summary}`),
    '',
    'Options: --help (also after a command: ddpg-wasm train --help), --version',
    '',
    'Examples:',
    '  ddpg-wasm train                                  # DDPG, keras preset, Pendulum-v1, 100 episodes, seed 0',
    '  ddpg-wasm train --steps 5000 --seed 1 --set actorLr=5e-4',
    '  ddpg-wasm train --resume runs/Pendulum-v1-ddpg-s0-20250101-120000/checkpoint.ddpg',
    '  ddpg-wasm eval --checkpoint runs/…/policy.ddpg --episodes 20',
    '  ddpg-wasm bench --json',
    '  ddpg-wasm plot runs/ --out runs.svg              # every run below runs/, by configuration, with 95 % CIs',
    '  ddpg-wasm sweep spec.json --workers 2',
    '  ddpg-wasm sweep spec.json --queue redis://10.0.0.5:6379   # and on each machine: ddpg-wasm worker --queue redis://10.0.0.5:6379',
    '  ddpg-wasm config --algo td3 --preset zoo          # every --set field: value, allowed range, meaning',
  ].join('\n');
}

/** The command named by argv[0] (throws UsageError). */
function pick(argv: readonly string[]): Command | 'help' | 'version' {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h') return 'help';
  if (first === '--version' || first === '-V') return 'version';
  if (first === 'help') {
    const sub = argv[1];
    if (sub === undefined) return 'help';
    const spec = command(sub).spec;
    return { spec, run: (_a, io) => io.help(spec) };
  }
  return command(first);
}

/** The command of that name (own names only: "toString" is not a command). */
function command(word: string): Command {
  return Object.hasOwn(COMMANDS, word) ? COMMANDS[word]! : fail(word);
}

function fail(word: string): never {
  if (word.startsWith('-')) throw new UsageError(`expected a command (${NAMES.join(', ')}) before ${word}`);
  throw new UsageError(`unknown command ${JSON.stringify(word)}${didYouMean(word, NAMES)}; commands: ${NAMES.join(', ')}`);
}

async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = pick(argv);
  if (cmd === 'help') {
    io.stdout.write(`${topHelp()}\n`);
    return 0;
  }
  if (cmd === 'version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  initSync();
  return cmd.run(argv.slice(1), io);
}

function report(err: unknown, argv: readonly string[]): number {
  if (err instanceof UsageError) {
    const spec = err.command !== undefined && Object.hasOwn(COMMANDS, err.command) ? COMMANDS[err.command]!.spec : undefined;
    const usage = spec ? spec.usage : 'ddpg-wasm <command> [options]';
    const more = spec ? `ddpg-wasm ${spec.name} --help` : 'ddpg-wasm --help';
    process.stderr.write(`ddpg-wasm: ${err.message}\nUsage: ${usage}\nRun "${more}" for every option.\n`);
    return 2;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`ddpg-wasm: error: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (argv.includes('--verbose')) process.stderr.write(`${e.stack ?? ''}\n`);
  return 1;
}

/** True when this file is the program node runs (not a sweep's worker thread, not an import). */
function isProgram(): boolean {
  if (!isMainThread || process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProgram()) {
  const argv = process.argv.slice(2);
  main(argv, processIO()).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => { process.exitCode = report(err, argv); },
  );
}
