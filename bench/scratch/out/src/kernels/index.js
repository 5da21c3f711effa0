import { createReferenceKernels } from './reference.js';
import { createWasmKernels } from './wasm.js';
/** A kernel backend with its own memory (wasm: a fresh module instance). */
export function createKernels(backend = 'wasm') {
    if (backend === 'wasm')
        return createWasmKernels();
    if (backend === 'reference')
        return createReferenceKernels();
    throw new RangeError(`backend must be 'wasm' or 'reference', got ${String(backend)}`);
}
export { Act } from './types.js';
export { Arena, ARENA_ALIGN } from './arena.js';
export { isInitialized, wasmModule } from './loader.js';
