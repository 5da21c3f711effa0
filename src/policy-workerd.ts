/**
 * ddpg-wasm/policy for edge runtimes (the `workerd` and `edge-light` export
 * conditions): inference only, with init()/initSync() defaulting to the kernel
 * module imported as a compiled WebAssembly.Module from ./kernels.wasm (edge
 * runtimes refuse to compile wasm from bytes; see workerd.ts).
 */
import { initSyncWith, initWith, type WasmSource } from './kernels/loader.js';
import kernels from './kernels.wasm';

const imported = (): WasmSource => kernels;

/** Instantiates the kernel module (default: the imported ./kernels.wasm). */
export function init(src?: WasmSource): Promise<void> {
  return initWith(src, imported);
}

/** Synchronous init (cheap here: the module is already compiled). */
export function initSync(src?: WasmSource): void {
  initSyncWith(src, imported);
}

export { Policy } from './policy/policy.js';
export type { WasmSource } from './kernels/loader.js';
