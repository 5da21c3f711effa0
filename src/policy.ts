/**
 * ddpg-wasm/policy: the inference-only entry. Loads a saved policy and computes
 * actions; pulls in no training code. The kernel module is inlined as a string and
 * decoded only when init()/initSync() runs.
 */
import { decodeInlined, initSyncWith, initWith, type WasmSource } from './kernels/loader.js';
import { WASM_LENGTH, WASM_TEXT } from './kernels/wasm-bytes.js';

const inlined = (): Uint8Array => decodeInlined(WASM_TEXT, WASM_LENGTH);

/** Compiles the kernel module (async). `src`: bytes or a compiled WebAssembly.Module. */
export function init(src?: WasmSource): Promise<void> {
  return initWith(src, inlined);
}

/** Synchronous init. */
export function initSync(src?: WasmSource): void {
  initSyncWith(src, inlined);
}

export { Policy } from './policy/policy.js';
export type { WasmSource } from './kernels/loader.js';
