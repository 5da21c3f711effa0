/**
 * The kernel interface. Two implementations: `wasm` (AssemblyScript → SIMD
 * WebAssembly, assembly/) and `reference` (plain TypeScript with Math.fround after
 * every multiply and add: the test oracle). Both operate on a WebAssembly.Memory
 * and take byte offsets into it, so the arena and the networks above do not care
 * which backend runs. Kernels trust their inputs: validation lives in the callers.
 */
/** Activation codes shared with assembly/gemm.ts. */
export const Act = { identity: 0, relu: 1, tanh: 2 };
