/**
 * ddpg-wasm for edge runtimes (the `workerd` and `edge-light` export
 * conditions): same exports as the default entry, but init()/initSync() default
 * to the kernel module imported as a compiled WebAssembly.Module from
 * ./kernels.wasm (beside this file in dist/). Cloudflare Workers and Vercel Edge
 * refuse to compile wasm from bytes, so this entry never touches the inlined
 * base64 (and does not ship it).
 */
import { loadThreads, unloadThreads } from './kernels/threads-load.js';
import type { ThreadsInfo } from './kernels/threads.js';
import { initSyncWith, initWith, type WasmSource } from './kernels/loader.js';
import kernels from './kernels.wasm';

const imported = (): WasmSource => kernels;

/** Instantiates the kernel module (default: the imported ./kernels.wasm). `src`: bytes or a compiled WebAssembly.Module. */
export function init(src?: WasmSource): Promise<void> {
  return initWith(src, imported);
}

/** Synchronous init; with no argument it only instantiates the imported module, so it is cheap here. */
export function initSync(src?: WasmSource): void {
  initSyncWith(src, imported);
}

/**
 * Opt-in fast mode (relaxed SIMD; not bit-identical across CPUs). Edge runtimes
 * cannot compile bytes, so pass the compiled module:
 * `import fast from 'ddpg-wasm/kernels-fast.wasm'; await initFast(fast);`
 * (only where the engine supports relaxed SIMD: the import fails to load otherwise).
 */
export async function initFast(src: WasmSource): Promise<boolean> {
  const { initFastWith } = await import('./kernels/fast.js'); // a chunk of its own, which only this opt-in loads
  return initFastWith(src, imported);
}

/**
 * Opt-in threads (issue 17): agents created afterwards split large kernel calls
 * over `n` threads (this one and n − 1 helpers: worker_threads in Node, Web Workers
 * elsewhere), with exactly the bits of one thread. `src` is the bytes, or a compiled
 * module, of `ddpg-wasm/kernels-threads.wasm`. Resolves to `{ threads, reason }`:
 * threads 1 with the reason where threads cannot run (no SharedArrayBuffer, a page
 * that is not cross-origin isolated, no Worker: workerd has none, so here it
 * always resolves to 1 thread). Helpers never keep Node running; disposeThreads()
 * ends them. initFast() or init(src) leave threads mode.
 */
export function initThreads(n: number, src: WasmSource): Promise<ThreadsInfo> {
  return loadThreads(n, src, imported);
}

/** Ends the helper threads of initThreads(); existing agents go on with one thread (same bits). */
export function disposeThreads(): void {
  unloadThreads();
}

export type { ThreadsInfo };
export * from './lib.js';
