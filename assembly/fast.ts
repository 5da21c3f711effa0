// The opt-in fast module: only the GEMM, compiled with relaxed SIMD
// (f32x4.relaxed_madd may fuse the multiply-add). It imports the deterministic
// module's memory (`env.memory`, asconfig "importMemory") instead of carrying a
// second copy of every kernel: src/kernels/loader.ts instantiates it on each
// kernel instance's memory and takes gemm/gemmEx from it, everything else from
// the default module. It must own no data (it would be written over the default
// module's static data): test/kernels/module.test.ts checks there is none.
export { gemm, gemmEx, setScratch, scratchBytes } from "./gemm";
