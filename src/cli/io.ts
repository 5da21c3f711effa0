/** The output streams a command writes to (process.stdout/stderr in main.ts; fakes in tests). */
import { type CommandSpec, helpText } from './args.js';
import type { ProgressStream } from './progress.js';

export interface CliIO {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  /** Prints the command's --help on stdout and returns exit code 0. */
  help(spec: CommandSpec): number;
}

export function processIO(): CliIO {
  // A closed pipe (`ddpg-wasm train | head`) must not kill a training run before it saves.
  const ignoreEpipe = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE') throw e;
  };
  process.stdout.on('error', ignoreEpipe);
  process.stderr.on('error', ignoreEpipe);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    help(spec) {
      process.stdout.write(`${helpText(spec)}\n`);
      return 0;
    },
  };
}
