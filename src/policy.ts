/**
 * ddpg-wasm/policy: the inference-only entry. Loads a saved policy and computes
 * actions; pulls in no training code. The kernel module is inlined as base64 and
 * decoded only when init()/initSync() runs.
 */
import { decodeBase64, initSyncWith, initWith, type WasmSource } from './kernels/loader.js';
import { WASM_BASE64 } from './kernels/wasm-bytes.js';

const inlined = (): Uint8Array => decodeBase64(WASM_BASE64);

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
