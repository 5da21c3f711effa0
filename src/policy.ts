/**
 * ddpg-wasm/policy: the inference-only entry. Loads a saved policy and computes
 * actions; pulls in no training code. Its kernel module is the forward-only one
 * (assembly/policy.ts, a third of the full module's size), inlined as a string and
 * decoded only when init()/initSync() runs; src/kernels/inference.ts has the rule
 * for when the full module serves instead.
 */
import { initPolicySyncWith, initPolicyWith } from './kernels/inference.js';
import { decodeInlined, type WasmSource } from './kernels/loader.js';
import { POLICY_WASM_LENGTH, POLICY_WASM_TEXT } from './kernels/policy-bytes.js';

const inlined = (): Uint8Array<ArrayBuffer> => decodeInlined(POLICY_WASM_TEXT, POLICY_WASM_LENGTH);

/**
 * Compiles the kernel module (async). Without `src`: the entry's own forward-only
 * module, or nothing when a kernel module is already initialised (e.g. by
 * ddpg-wasm's init()). `src`: bytes or a compiled WebAssembly.Module of the full
 * module (ddpg-wasm/kernels.wasm).
 */
export function init(src?: WasmSource): Promise<void> {
  return initPolicyWith(src, inlined);
}

/** Synchronous init, as init(). */
export function initSync(src?: WasmSource): void {
  initPolicySyncWith(src, inlined);
}

export { Policy } from './policy/policy.js';
export type { WasmSource } from './kernels/loader.js';
