/**
 * The kernels of `Policy` (ddpg-wasm/policy). The rule, one loader state for every
 * entry: a Policy runs on the full kernel module whenever one is adopted (init()
 * or initSync() of ddpg-wasm, of a workerd entry, or of ddpg-wasm/policy given a
 * source); otherwise on the forward-only module (assembly/policy.ts) that
 * ddpg-wasm/policy's init()/initSync() compiled from its own inlined bytes. Both
 * compute the forward GEMM from the same source, so the actions are the same bits
 * (test/kernels/inference-module.test.ts). Each Policy keeps the instance it was
 * loaded on.
 */
import { initSyncWith, initWith, isInitialized, type WasmExports, type WasmSource } from './loader.js';
import type { Kernels, WasmBytes } from './types.js';
import { createWasmKernels } from './wasm.js';

/** What the forward-only module exports (a subset of the full ABI; its gemmEx does transA = transB = 0 only). */
type ForwardExports = Pick<WasmExports, 'memory' | 'heapBase' | 'setScratch' | 'gemmEx'>;

let forwardOnly: WebAssembly.Module | null = null;
let pending: Promise<void> | null = null;

/**
 * ddpg-wasm/policy's init(src?): a given source is the full module (adopted as
 * by ddpg-wasm's init); without one, compiles the forward-only module unless a
 * module is already there. Concurrent calls share one compile. @internal
 */
export async function initPolicyWith(src: WasmSource | undefined, inlined: () => WasmBytes): Promise<void> {
  if (src !== undefined) return initWith(src, inlined);
  if (isInitialized() || forwardOnly !== null) return;
  pending ??= (async (): Promise<void> => {
    try {
      forwardOnly = await WebAssembly.compile(inlined());
    } finally {
      pending = null;
    }
  })();
  return pending;
}

/** ddpg-wasm/policy's initSync(src?), as initPolicyWith. @internal */
export function initPolicySyncWith(src: WasmSource | undefined, inlined: () => WasmBytes): void {
  if (src !== undefined) initSyncWith(src, inlined);
  else if (!isInitialized() && forwardOnly === null) forwardOnly = new WebAssembly.Module(inlined());
}

const absent = (): never => {
  throw new Error('ddpg-wasm: the forward-only kernel module (ddpg-wasm/policy) has only the forward GEMM');
};

/** Kernels on a fresh instance of the forward-only module: the forward GEMM, and nothing for training. @internal */
export function forwardKernels(module: WebAssembly.Module): Kernels {
  const x = new WebAssembly.Instance(module, {}).exports as unknown as ForwardExports;
  return {
    backend: 'wasm', memory: x.memory, heapBase: x.heapBase, setScratch: x.setScratch, gemmEx: x.gemmEx,
    gemm: absent, copy: absent, fill: absent, scale: absent, axpy: absent, actBackward: absent, colSum: absent, adam: absent,
    polyak: absent, allFinite: absent, gradBounded: absent, sacSample: absent, sacBackward: absent, sacMean: absent,
  };
}

/** A Policy's kernels, by the rule above (throws the loader's "call init()" error when nothing is compiled). @internal */
export function policyKernels(): Kernels {
  return forwardOnly === null || isInitialized() ? createWasmKernels() : forwardKernels(forwardOnly);
}
