/**
 * `import mod from './kernels.wasm'` in the edge entries (workerd.ts,
 * policy-workerd.ts): Cloudflare Workers / workerd, wrangler (esbuild's
 * CompiledWasm rule) and Vercel Edge hand a `.wasm` import over as a compiled
 * WebAssembly.Module (they refuse to compile wasm from bytes at run time).
 * Only the compiler needs this declaration: the emitted .d.ts files do not
 * mention the import.
 */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
