/**
 * ddpg-wasm, default entry: the kernel module is inlined as base64 and decoded
 * only when `init()`/`initSync()` runs (nothing happens at import time).
 */
import { decodeBase64, initSyncWith, initWith } from './kernels/loader.js';
import { WASM_BASE64 } from './kernels/wasm-bytes.js';
const inlined = () => decodeBase64(WASM_BASE64);
/** Compiles the kernel module (async; the browser path). `src`: bytes or a compiled WebAssembly.Module. */
export function init(src) {
    return initWith(src, inlined);
}
/** Synchronous init (Node, workers; any runtime when given a compiled Module). */
export function initSync(src) {
    initSyncWith(src, inlined);
}
export * from './lib.js';
