let compiled = null;
let shared = null;
const NOT_INITIALIZED = 'ddpg-wasm is not initialized: call `await init()` (or `initSync()`) once before ' +
    'creating kernels, networks, environments or agents';
function isModule(src) {
    return typeof WebAssembly.Module === 'function' && src instanceof WebAssembly.Module;
}
function adopt(module) {
    const instance = new WebAssembly.Instance(module, {});
    const exports = instance.exports;
    if (typeof exports.gemmEx !== 'function' || !(exports.memory instanceof WebAssembly.Memory)) {
        throw new TypeError('ddpg-wasm: the given wasm is not the ddpg-wasm kernel module (missing gemmEx or memory)');
    }
    compiled = module;
    shared = exports;
}
/** Async initialization (the browser path: no main-thread synchronous compile). */
export async function initWith(src, fallback) {
    if (src === undefined && compiled !== null)
        return;
    const s = src ?? fallback();
    const module = isModule(s) ? s : await WebAssembly.compile(s);
    adopt(module);
}
/** Synchronous initialization (Node, workers, and any runtime given a Module). */
export function initSyncWith(src, fallback) {
    if (src === undefined && compiled !== null)
        return;
    const s = src ?? fallback();
    adopt(isModule(s) ? s : new WebAssembly.Module(s));
}
/** True once init()/initSync() has run. */
export function isInitialized() {
    return compiled !== null;
}
/** The compiled kernel module (throws before init). */
export function wasmModule() {
    if (compiled === null)
        throw new Error(NOT_INITIALIZED);
    return compiled;
}
/** A fresh instance with its own memory: one per agent, so arenas never share a memory. */
export function instantiateKernels() {
    return new WebAssembly.Instance(wasmModule(), {}).exports;
}
/** The shared instance's deterministic math (never grown, so safe to share). */
export function detMath() {
    if (shared === null)
        throw new Error(NOT_INITIALIZED);
    return shared;
}
/** Decodes standard base64 (no reliance on atob/Buffer, so it runs anywhere). */
export function decodeBase64(b64) {
    const table = new Uint8Array(128);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    for (let i = 0; i < 64; i++)
        table[alphabet.charCodeAt(i)] = i;
    let len = b64.length;
    while (len > 0 && b64.charCodeAt(len - 1) === 61 /* = */)
        len--;
    const out = new Uint8Array((len * 3) >> 2);
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let i = 0; i < len; i++) {
        acc = (acc << 6) | (table[b64.charCodeAt(i)] ?? 0);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (acc >> bits) & 0xff;
        }
    }
    return out;
}
