// The kernel module's exports: only i32 offsets/sizes and f32/f64 scalars cross
// the boundary (ARCHITECTURE.md, "Kernel ABI"). Memory is the module's own,
// exported as `memory`; src/kernels/arena.ts grows it once.
export { gemm, gemmEx, setScratch, scratchBytes } from "./gemm";
export { copy, fill, scale, axpy, actBackward, colSum, adam, polyak, allFinite, gradBounded } from "./elementwise";
export { sin, cos, exp, log, tanh, tanhf, expf } from "./math";
export { sacSample, sacBackward, sacMean, log1pf } from "./sac";

/** First byte after the module's static data (the arena starts above it). */
export function heapBase(): usize {
  return __heap_base;
}
