/**
 * ddpg-wasm, default entry: the kernel module is inlined (one char per byte) and decoded
 * only when `init()`/`initSync()` runs (nothing happens at import time).
 */
import { loadThreads, unloadThreads } from './kernels/threads-load.js';
import type { ThreadsInfo } from './kernels/threads.js';
import { decodeInlined, initSyncWith, initWith, type WasmSource } from './kernels/loader.js';
import { WASM_LENGTH, WASM_TEXT } from './kernels/wasm-bytes.js';

const inlined = (): Uint8Array => decodeInlined(WASM_TEXT, WASM_LENGTH);

/** Compiles the kernel module (async; the browser path). `src`: bytes or a compiled WebAssembly.Module. */
export function init(src?: WasmSource): Promise<void> {
  return initWith(src, inlined);
}

/** Synchronous init (Node, workers; any runtime when given a compiled Module). */
export function initSync(src?: WasmSource): void {
  initSyncWith(src, inlined);
}

/**
 * Opt-in fast mode (relaxed SIMD: fused multiply-add in the GEMM tiles). `src` is
 * the bytes, or a compiled module, of `ddpg-wasm/kernels-fast.wasm`. Resolves to
 * true when the engine validated it; agents created from then on use it. Results
 * are NOT bit-identical across CPUs (see README, "Determinism").
 *
 *   Node:    await initFast(readFileSync(fileURLToPath(import.meta.resolve('ddpg-wasm/kernels-fast.wasm'))))
 *   Browser: await initFast(await (await fetch(kernelsFastUrl)).arrayBuffer())
 */
export async function initFast(src: WasmSource): Promise<boolean> {
  const { initFastWith } = await import('./kernels/fast.js'); // a chunk of its own, which only this opt-in loads
  return initFastWith(src, inlined);
}

/**
 * Opt-in threads (issue 17): agents created afterwards split large kernel calls
 * over `n` threads (this one and n − 1 helpers: worker_threads in Node, Web Workers
 * elsewhere), with exactly the bits of one thread. `src` is the bytes, or a compiled
 * module, of `ddpg-wasm/kernels-threads.wasm`. Resolves to `{ threads, reason }`:
 * threads 1 with the reason where threads cannot run (no SharedArrayBuffer, a page
 * that is not cross-origin isolated, no Worker). Helpers never keep Node running;
 * disposeThreads() ends them. initFast() or init(src) leave threads mode.
 *
 *   Node: await initThreads(2, readFileSync(fileURLToPath(import.meta.resolve('ddpg-wasm/kernels-threads.wasm'))))
 */
export function initThreads(n: number, src: WasmSource): Promise<ThreadsInfo> {
  return loadThreads(n, src, inlined);
}

/** Ends the helper threads of initThreads(); existing agents go on with one thread (same bits). */
export function disposeThreads(): void {
  unloadThreads();
}

export type { ThreadsInfo };
export * from './lib.js';
