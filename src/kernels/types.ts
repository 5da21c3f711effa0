/**
 * The kernel interface. Two implementations: `wasm` (AssemblyScript → SIMD
 * WebAssembly, assembly/) and `reference` (plain TypeScript with Math.fround after
 * every multiply and add: the test oracle). Both operate on a WebAssembly.Memory
 * and take byte offsets into it, so the arena and the networks above do not care
 * which backend runs. Kernels trust their inputs: validation lives in the callers.
 */

/**
 * The WebAssembly types as the consumer's own lib declares them (lib.dom or
 * lib.webworker: WebAssembly.Module, WebAssembly.Memory, BufferSource), looked up
 * on `globalThis` instead of named, so that these declarations also type-check in a
 * Node project whose lib has no WebAssembly (there: structural stand-ins).
 */
type WasmGlobal = typeof globalThis extends { WebAssembly: infer W } ? W : { readonly absent: true };
/** A compiled `WebAssembly.Module`. */
export type WasmModule = WasmGlobal extends { Module: { prototype: infer M } } ? M : object;
/** A `WebAssembly.Memory`. */
export type WasmMemory = WasmGlobal extends { Memory: { prototype: infer M } } ? M : { readonly buffer: ArrayBuffer; grow(delta: number): number };
/** Wasm bytes (`BufferSource`: an ArrayBuffer or a view of one). */
export type WasmBytes = WasmGlobal extends { compile(bytes: infer B): unknown } ? B : ArrayBuffer | ArrayBufferView;

/** Activation codes shared with assembly/gemm.ts. */
export const Act = { identity: 0, relu: 1, tanh: 2 } as const;
export type ActCode = (typeof Act)[keyof typeof Act];
export type ActName = keyof typeof Act;

export interface Kernels {
  readonly backend: 'wasm' | 'reference';
  /** The linear memory every pointer below is a byte offset into. */
  readonly memory: WasmMemory;
  /** First byte the arena may use (above the module's static data). */
  heapBase(): number;
  /** Registers the packing scratch the transB layout needs (≥ 8·k floats). */
  setScratch(ptr: number, bytes: number): void;
  /** C[m×n] = alpha·op(A)·op(B) + beta·C (beta = 0: C is not read). */
  gemm(transA: number, transB: number, m: number, n: number, k: number,
       alpha: number, a: number, b: number, beta: number, c: number): void;
  /** C = act(alpha·op(A)·op(B) + beta·C + bias)·scale; bias 0 = none. */
  gemmEx(transA: number, transB: number, m: number, n: number, k: number,
         alpha: number, a: number, b: number, beta: number, c: number,
         bias: number, act: number, scale: number): void;
  copy(n: number, src: number, dst: number): void;
  fill(n: number, dst: number, value: number): void;
  scale(n: number, x: number, alpha: number): void;
  /** y = alpha·x + y. */
  axpy(n: number, alpha: number, x: number, y: number): void;
  /** out = dy ⊙ act′ computed from saved outputs y = actScale·act(z). */
  actBackward(n: number, dy: number, y: number, act: number, actScale: number, out: number): void;
  /** out[j] = Σ_i x[i][j] (+ beta·out[j]). */
  colSum(m: number, n: number, x: number, beta: number, out: number): void;
  /** One Adam step; see assembly/elementwise.ts for the exact formula. */
  adam(n: number, p: number, g: number, m: number, v: number,
       beta1: number, beta2: number, alphaT: number, epsHat: number, wd: number): void;
  /** dst = tau·src + (1 − tau)·dst. */
  polyak(n: number, src: number, dst: number, tau: number): void;
  /** 1 when all n floats are finite, else 0. */
  allFinite(n: number, x: number): number;
  /** 1 when every |g + wd·θ| < bound (NaN fails), in float32 as adam computes g + wd·θ; else 0. */
  gradBounded(n: number, p: number, g: number, wd: number, bound: number): number;
  /** SAC: a = h·tanh(μ + exp(clamp(log σ))·ε) per row of dist = [μ | log σ] (n×2A), log π per row; see assembly/sac.ts. */
  sacSample(n: number, a: number, dist: number, eps: number, lo: number, hi: number, bound: number, act: number, logp: number): void;
  /** SAC: ∂J_π/∂[μ | log σ] from ∂J_π/∂a (dAct) and α/N; see assembly/sac.ts. */
  sacBackward(n: number, a: number, dist: number, eps: number, lo: number, hi: number, bound: number,
              dAct: number, alphaN: number, dDist: number): void;
  /** SAC: the deterministic action h·tanh(μ). */
  sacMean(n: number, a: number, dist: number, bound: number, act: number): void;
}

/** Deterministic transcendental functions (musl ports compiled into the wasm). */
export interface DetMath {
  sin(x: number): number;
  cos(x: number): number;
  exp(x: number): number;
  log(x: number): number;
  tanh(x: number): number;
  /** float32 tanh (musl tanhf): the activation kernels' tanh. */
  tanhf(x: number): number;
  expf(x: number): number;
  /** float32 log(1 + x) (musl log1pf). */
  log1pf(x: number): number;
}
