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
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    help(spec) {
      process.stdout.write(`${helpText(spec)}\n`);
      return 0;
    },
  };
}
