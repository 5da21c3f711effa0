import { createReferenceKernels } from './reference.js';
import { threadedKernels } from './threads-load.js';
import { createWasmKernels } from './wasm.js';
import type { Kernels } from './types.js';

export type Backend = 'wasm' | 'reference';

/** A kernel backend with its own memory (wasm: a fresh module instance; with the helper threads after initThreads()). */
export function createKernels(backend: Backend = 'wasm'): Kernels {
  if (backend === 'wasm') return threadedKernels() ?? createWasmKernels();
  if (backend === 'reference') return createReferenceKernels();
  throw new RangeError(`backend must be 'wasm' or 'reference', got ${String(backend)}`);
}

export { Act, type ActCode, type ActName, type Kernels, type DetMath, type WasmBytes, type WasmMemory, type WasmModule } from './types.js';
export { Arena, type Block, type Tensor, ARENA_ALIGN } from './arena.js';
export { isInitialized, isFastMode, wasmModule, type WasmSource } from './loader.js';
