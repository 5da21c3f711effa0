// Everything the package exports except init/initSync, which each entry point
// (index.ts: inlined bytes; workerd.ts: imported .wasm module) defines itself.
export * from './kernels/index.js';
export * as dmath from './kernels/math.js';
export { Rng } from './rng.js';
