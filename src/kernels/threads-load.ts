/**
 * The entries' side of initThreads(): kernels/threads.ts is loaded by import()
 * on the first call, so that it is a chunk of its own which only this opt-in
 * loads (the default entries stay as small as before). createKernels('wasm')
 * asks threadedKernels() first.
 */
import type { WasmSource } from './loader.js';
import type { ThreadsInfo } from './threads.js';
import type { Kernels } from './types.js';

let threads: typeof import('./threads.js') | null = null;

/** initThreads(n, src) of an entry whose default module comes from `fallback`. @internal */
export async function loadThreads(n: number, src: WasmSource, fallback: () => WasmSource): Promise<ThreadsInfo> {
  threads ??= await import('./threads.js');
  return threads.initThreadsWith(n, src, fallback);
}

/** disposeThreads(): nothing to do when initThreads() never ran. @internal */
export function unloadThreads(): void {
  threads?.disposeThreads();
}

/** A new agent's kernels with the helper threads of initThreads(), or null (one thread). @internal */
export function threadedKernels(): Kernels | null {
  return threads?.threadedKernels() ?? null;
}
