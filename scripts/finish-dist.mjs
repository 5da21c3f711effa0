// Last step of `npm run build`: ships the release wasm beside the compiled JS
// (the "./kernels.wasm" export, imported as a module by edge runtimes that
// cannot compile wasm from bytes, and the opt-in fast build), and makes the CLI
// entry executable: tsc writes it 0644 after the build empties dist/, and
// `npx ddpg-wasm` runs the bin file directly.
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
for (const f of ['kernels.wasm', 'kernels-fast.wasm', 'kernels-threads.wasm']) {
  copyFileSync(new URL(`../build/${f}`, import.meta.url), new URL(`../dist/${f}`, import.meta.url));
}
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
