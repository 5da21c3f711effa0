// Ships the release wasm beside the compiled JS (the "./kernels.wasm" export,
// imported as a module by edge runtimes that cannot compile wasm from bytes).
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
copyFileSync(new URL('../build/kernels.wasm', import.meta.url), new URL('../dist/kernels.wasm', import.meta.url));
console.log('copied build/kernels.wasm → dist/kernels.wasm');
