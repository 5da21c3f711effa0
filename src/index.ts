/**
 * ddpg-wasm, default entry: the kernel module is inlined (one char per byte) and decoded
 * only when `init()`/`initSync()` runs (nothing happens at import time).
 */
import { initFastWith } from './kernels/fast.js';
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
export function initFast(src: WasmSource): Promise<boolean> {
  return initFastWith(src, inlined);
}

export * from './lib.js';
