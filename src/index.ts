/**
 * ddpg-wasm, default entry: the kernel module is inlined as base64 and decoded
 * only when `init()`/`initSync()` runs (nothing happens at import time).
 */
import { decodeBase64, initFastWith, initSyncWith, initWith, type WasmSource } from './kernels/loader.js';
import { WASM_BASE64 } from './kernels/wasm-bytes.js';

const inlined = (): Uint8Array => decodeBase64(WASM_BASE64);

/** Compiles the kernel module (async; the browser path). `src`: bytes or a compiled WebAssembly.Module. */
export function init(src?: WasmSource): Promise<void> {
  return initWith(src, inlined);
}

/** Synchronous init (Node, workers; any runtime when given a compiled Module). */
export function initSync(src?: WasmSource): void {
  initSyncWith(src, inlined);
}

/**
 * Opt-in fast mode (relaxed SIMD, fused multiply-add): returns true if the engine
 * validated it and agents created from now on use it. Not bit-identical across
 * CPUs; see README "Determinism". The bytes are loaded only when this is called.
 */
export async function initFast(): Promise<boolean> {
  return initFastWith(async () => decodeBase64((await import('./kernels/wasm-fast-bytes.js')).WASM_FAST_BASE64));
}

export * from './lib.js';
