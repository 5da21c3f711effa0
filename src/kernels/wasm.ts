import { instantiateKernels } from './loader.js';
import type { Kernels } from './types.js';

/** The SIMD WebAssembly backend: a fresh module instance with its own memory. @internal */
export function createWasmKernels(): Kernels {
  const x = instantiateKernels();
  return {
    backend: 'wasm',
    memory: x.memory,
    heapBase: x.heapBase,
    setScratch: x.setScratch,
    gemm: x.gemm,
    gemmEx: x.gemmEx,
    copy: x.copy,
    fill: x.fill,
    scale: x.scale,
    axpy: x.axpy,
    actBackward: x.actBackward,
    colSum: x.colSum,
    adam: x.adam,
    polyak: x.polyak,
    allFinite: x.allFinite,
    gradBounded: x.gradBounded,
    sacSample: x.sacSample,
    sacBackward: x.sacBackward,
    sacMean: x.sacMean,
  };
}
