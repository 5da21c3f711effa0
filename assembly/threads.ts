// The threaded backend's module (asconfig target "threads"): the same kernels as
// assembly/index.ts, compiled for an imported shared memory (env.memory, shared,
// with a maximum), plus gemmPart, which computes one block of a GEMM's output.
// src/kernels/threads.ts instantiates it once per thread over the same
// WebAssembly.Memory. Same source, same operation order: the same bits as the
// default module (test/kernels/threads.test.ts checks it kernel by kernel).
export * from "./index";
export { gemmPart } from "./gemm";
