/**
 * ddpg-wasm for edge runtimes (the `workerd` and `edge-light` export
 * conditions): same exports as the default entry, but init()/initSync() default
 * to the kernel module imported as a compiled WebAssembly.Module from
 * ./kernels.wasm (beside this file in dist/). Cloudflare Workers and Vercel Edge
 * refuse to compile wasm from bytes, so this entry never touches the inlined
 * base64 (and does not ship it).
 */
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
 * The opt-in fast mode (relaxed SIMD) is not offered on edge runtimes: it is
 * loaded by validating and compiling bytes, which they forbid, and importing a
 * second .wasm module would make the whole Worker fail to load on an engine
 * without relaxed SIMD. Always resolves false: agents use the deterministic
 * kernels (call init() as usual).
 */
export async function initFast(): Promise<boolean> {
  return false;
}

export * from './lib.js';
