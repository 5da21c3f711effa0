/**
 * Loading the kernel module. Nothing compiles at import time: `init(src?)` (async)
 * or `initSync(src?)` compile once; every agent then gets its own instance (own
 * memory) from `instantiateKernels()`. `src` may be bytes or a ready
 * WebAssembly.Module; given a Module, bytes are never touched (edge runtimes
 * such as workerd refuse to compile wasm from bytes).
 */
import type { DetMath, WasmBytes, WasmModule } from './types.js';

/** What `init`/`initSync` accept: wasm bytes, or an already compiled module. */
export type WasmSource = WasmBytes | WasmModule;

/** The raw exports of assembly/index.ts. @internal */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  setScratch(ptr: number, bytes: number): void;
  gemm(tA: number, tB: number, m: number, n: number, k: number, alpha: number, a: number, b: number, beta: number, c: number): void;
  gemmEx(tA: number, tB: number, m: number, n: number, k: number, alpha: number, a: number, b: number, beta: number, c: number, bias: number, act: number, scale: number): void;
  copy(n: number, src: number, dst: number): void;
  fill(n: number, dst: number, value: number): void;
  scale(n: number, x: number, alpha: number): void;
  axpy(n: number, alpha: number, x: number, y: number): void;
  actBackward(n: number, dy: number, y: number, act: number, actScale: number, out: number): void;
  colSum(m: number, n: number, x: number, beta: number, out: number): void;
  adam(n: number, p: number, g: number, m: number, v: number, b1: number, b2: number, alphaT: number, epsHat: number, wd: number): void;
  polyak(n: number, src: number, dst: number, tau: number): void;
  allFinite(n: number, x: number): number;
  gradBounded(n: number, p: number, g: number, wd: number, bound: number): number;
  sacSample(n: number, a: number, dist: number, eps: number, lo: number, hi: number, bound: number, act: number, logp: number): void;
  sacBackward(n: number, a: number, dist: number, eps: number, lo: number, hi: number, bound: number, dAct: number, alphaN: number, dDist: number): void;
  sacMean(n: number, a: number, dist: number, bound: number, act: number): void;
  log1pf(x: number): number;
  sin(x: number): number;
  cos(x: number): number;
  exp(x: number): number;
  log(x: number): number;
  tanh(x: number): number;
  tanhf(x: number): number;
  expf(x: number): number;
}

let compiled: WebAssembly.Module | null = null;
let shared: WasmExports | null = null;

const NOT_INITIALIZED =
  'ddpg-wasm is not initialized: call `await init()` (or `initSync()`) once before ' +
  'creating kernels, networks, environments or agents (ddpg-wasm/policy\'s init() loads only what Policy needs)';

/** @internal */
export function isModule(src: WasmSource): src is WebAssembly.Module {
  return typeof WebAssembly.Module === 'function' && src instanceof WebAssembly.Module;
}

/**
 * Fast mode (kernels/fast.ts): what turns each new instance's exports into the ones
 * agents use (the relaxed-SIMD GEMM linked in); null = deterministic. Kept here so
 * that the loader's state exists once, while the fast module's code ships only
 * with the entries that offer initFast().
 */
let link: ((x: WasmExports) => WasmExports) | null = null;

/** Sets (or clears) the fast-mode link. @internal */
export function setFastLink(f: ((x: WasmExports) => WasmExports) | null): void {
  link = f;
}

/** Adopts the deterministic kernel module (and leaves fast mode). */
function adopt(module: WebAssembly.Module): void {
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) {
    const first = imports[0]!;
    throw new TypeError(`ddpg-wasm: the given wasm is not the ddpg-wasm kernel module (it imports ${first.module}.${first.name}; ours imports nothing)`);
  }
  const instance = new WebAssembly.Instance(module, {});
  const exports = instance.exports as unknown as WasmExports;
  if (typeof exports.gemmEx !== 'function' || typeof exports.adam !== 'function' || !(exports.memory instanceof WebAssembly.Memory)) {
    throw new TypeError('ddpg-wasm: the given wasm is not the ddpg-wasm kernel module (missing gemmEx, adam or memory)');
  }
  compiled = module;
  shared = exports;
  link = null;
}

/** True when the relaxed-SIMD (non-deterministic) GEMM is in use. */
export function isFastMode(): boolean {
  return link !== null;
}

/** The one compile of the built-in module in flight (concurrent no-argument init() calls share it). */
let pending: Promise<void> | null = null;

/**
 * Async initialization (the browser path: no main-thread synchronous compile).
 * Without `src` it is idempotent and concurrent calls share one compile, which
 * is adopted only if nothing was adopted meanwhile: an init() racing initFast()
 * never undoes fast mode. An explicit `src` always (re)adopts, leaving fast mode.
 * @internal
 */
export async function initWith(src: WasmSource | undefined, fallback: () => WasmSource): Promise<void> {
  if (src !== undefined) {
    adopt(isModule(src) ? src : await WebAssembly.compile(src));
    return;
  }
  if (compiled !== null) return;
  pending ??= (async (): Promise<void> => {
    try {
      const s = fallback();
      const module = isModule(s) ? s : await WebAssembly.compile(s);
      if (compiled === null) adopt(module);
    } finally {
      pending = null;
    }
  })();
  return pending;
}

/** Synchronous initialization (Node, workers, and any runtime given a Module). @internal */
export function initSyncWith(src: WasmSource | undefined, fallback: () => WasmSource): void {
  if (src === undefined && compiled !== null) return;
  const s = src ?? fallback();
  adopt(isModule(s) ? s : new WebAssembly.Module(s));
}

/** True once init()/initSync() has run. */
export function isInitialized(): boolean {
  return compiled !== null;
}

/** The compiled kernel module (throws before init). */
export function wasmModule(): WasmModule {
  if (compiled === null) throw new Error(NOT_INITIALIZED);
  return compiled;
}

/** A fresh instance with its own memory: one per agent, so arenas never share a memory. @internal */
export function instantiateKernels(): WasmExports {
  const x = new WebAssembly.Instance(wasmModule(), {}).exports as unknown as WasmExports;
  return link === null ? x : link(x);
}

/** The shared instance's deterministic math (never grown, so safe to share). @internal */
export function detMath(): DetMath {
  if (shared === null) throw new Error(NOT_INITIALIZED);
  return shared;
}

/** The byte shift of the inlined modules; scripts/inline-wasm.mjs's SHIFT is the same number. */
const INLINE_SHIFT = 41;

/**
 * Decodes an inlined kernel module (scripts/inline-wasm.mjs): one char per byte,
 * c = (b + 41) mod 256, printable ASCII c as itself, any other c as U+0100 + c.
 * Text that was not read as UTF-8 (by a misconfigured server or bundler) has the
 * wrong length or foreign chars, and is refused rather than handed to the wasm
 * compiler.
 *
 * @internal
 */
export function decodeInlined(text: string, length: number): Uint8Array<ArrayBuffer> {
  const corrupted = (why: string): Error => new Error(`ddpg-wasm: the inlined kernel module is corrupted (${why}); was the ` +
    'file read as something other than UTF-8? Pass the module yourself: init(bytes or WebAssembly.Module of ddpg-wasm/kernels.wasm)');
  if (text.length !== length) throw corrupted(`${text.length} chars for ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0x100) || c >= 0x200) throw corrupted(`char U+${c.toString(16).padStart(4, '0')} at ${i}`);
    out[i] = c - INLINE_SHIFT; // the store wraps mod 256
  }
  return out;
}
