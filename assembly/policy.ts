// The forward-only module of the inference entries (ddpg-wasm/policy): what
// Policy.act needs and nothing else, compiled from the same GEMM source as the
// full module (assembly/index.ts), so every product, bias, activation and scale is
// the same float operation in the same order (test/kernels/inference-module.test.ts
// compares the actions bit for bit). Its gemmEx takes the full ABI's arguments but
// computes only the forward layout Y = X·W (transA = transB = 0, all that
// Network.forward calls); binaryen then drops the transposed paths, which leaves
// a third of the full module's gzip size. Memory is its own, like the full one's.
import { gemmEx as gemmFull } from "./gemm";
export { setScratch } from "./gemm";

export function gemmEx(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  bias: usize, act: i32, scale: f32,
): void {
  if (transA | transB) unreachable(); // not in this module: the full one has them
  gemmFull(0, 0, m, n, k, alpha, a, b, beta, c, bias, act, scale);
}

/** First byte after the module's static data (the arena starts above it). */
export function heapBase(): usize {
  return __heap_base;
}
