/**
 * Opt-in fast mode (initFast): the relaxed-SIMD GEMM module, checked and linked
 * into each new kernel instance through the loader's one fast-mode link. The
 * entries that offer initFast() load this by import() on its first call, so it is
 * a chunk of its own that no entry loads up front.
 */
import { initWith, instantiateKernels, isModule, setFastLink, type WasmExports, type WasmSource } from './loader.js';

/** What the fast module exports: the GEMM of assembly/gemm.ts, built with relaxed SIMD. */
type FastExports = Pick<WasmExports, 'gemm' | 'gemmEx' | 'setScratch'>;

/** Refuses anything but the fast GEMM module: it imports exactly env.memory and exports the GEMM. */
function checkFast(module: WebAssembly.Module): void {
  const imports = WebAssembly.Module.imports(module);
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  const memoryOnly = imports.length === 1 && imports[0]!.module === 'env' && imports[0]!.name === 'memory' && imports[0]!.kind === 'memory';
  if (!memoryOnly || !['gemm', 'gemmEx', 'setScratch'].every((n) => names.includes(n))) {
    throw new TypeError('ddpg-wasm: initFast() needs the fast GEMM module (ddpg-wasm/kernels-fast.wasm), which imports only ' +
      `env.memory and exports gemm, gemmEx and setScratch; the given one imports [${imports.map((i) => `${i.module}.${i.name}`).join(', ')}]`);
  }
}

/** The kernels of `x` with the fast module's GEMM, instantiated on x's memory (scratch registered in both). */
function linkFast(module: WebAssembly.Module, x: WasmExports): WasmExports {
  const f = new WebAssembly.Instance(module, { env: { memory: x.memory } }).exports as unknown as FastExports;
  return {
    ...x,
    gemm: f.gemm,
    gemmEx: f.gemmEx,
    setScratch: (ptr: number, bytes: number): void => {
      x.setScratch(ptr, bytes);
      f.setScratch(ptr, bytes);
    },
  };
}

/**
 * Opt-in fast mode: the GEMM (≈ 90 % of an update) comes from the relaxed-SIMD
 * module (fused multiply-add in the micro-kernels) when the engine validates it;
 * returns whether it did. Its results are NOT bit-identical across CPUs
 * (relaxed_madd may or may not fuse); the default module stays the deterministic
 * one and still provides every other kernel (initialised from `fallback` first if
 * needed). Agents created after this call use it; init()/initSync() with a module
 * leave fast mode. Node 20 needs --experimental-wasm-relaxed-simd; Node ≥ 22,
 * current Chrome and Firefox validate it as is.
 *
 * @internal
 */
export async function initFastWith(src: WasmSource, fallback: () => WasmSource): Promise<boolean> {
  let module: WebAssembly.Module;
  if (isModule(src)) module = src;
  else {
    if (!WebAssembly.validate(src)) return false;
    module = await WebAssembly.compile(src);
  }
  checkFast(module);
  await initWith(undefined, fallback);
  linkFast(module, instantiateKernels()); // links once now, so a bad module fails here, not in the first agent
  setFastLink((x) => linkFast(module, x));
  return true;
}

