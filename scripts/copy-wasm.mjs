// Ships the release wasm beside the compiled JS (the "./kernels.wasm" export,
// imported as a module by edge runtimes that cannot compile wasm from bytes).
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
for (const f of ['kernels.wasm', 'kernels-fast.wasm']) {
  copyFileSync(new URL(`../build/${f}`, import.meta.url), new URL(`../dist/${f}`, import.meta.url));
  console.log(`copied build/${f} → dist/${f}`);
}
