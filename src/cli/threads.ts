/**
 * `train --threads N` (issue 17): the threaded kernels for the agent of one run.
 * The module ships as dist/kernels-threads.wasm beside dist/cli/main.js's folder
 * (build/ when the CLI runs from src/ in tests). A sweep keeps one thread per
 * trial: its trials already fill the cores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initThreads } from '../index.js';

/** train's --threads when not given: 1 until a quiet-machine measurement shows 2 to win (bench/RESULTS.md, "Threads"). */
export const DEFAULT_THREADS = 1;

/** Most threads --threads accepts (train's flag spec; the control block's limit, MAX_THREADS in src/kernels/threads.ts). */
export const MAX_CLI_THREADS = 64;

/** The bytes of kernels-threads.wasm: dist/ of the installed package, else build/ of a checkout. */
function threadsModule(): Uint8Array {
  for (const rel of ['../kernels-threads.wasm', '../../build/kernels-threads.wasm']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return readFileSync(path);
  }
  throw new Error('kernels-threads.wasm is missing beside the CLI (run `npm run build`)');
}

/**
 * Starts `n` threads for the agents created next (n = 1: nothing to start).
 * Returns the line to show: how many threads run, and why fewer when the runtime refused.
 */
export async function startThreads(n: number): Promise<string | null> {
  if (n === 1) return null;
  const info = await initThreads(n, threadsModule());
  return info.reason === null ? `${info.threads} threads` : `1 thread (${n} asked: ${info.reason})`;
}
