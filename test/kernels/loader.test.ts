// Loader: init()/initSync() from bytes or from a compiled WebAssembly.Module,
// nothing compiled at import time, a clear error before init, and refusal of a
// wasm module that is not ours. test/setup.ts has already run initSync() in this
// file's module graph; the "before init" tests import a fresh copy of the loader
// after vi.resetModules(), so their module state starts empty.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { init, initSync } from '../../src/index.js';
import { createKernels } from '../../src/kernels/index.js';
import {
  decodeInlined, detMath, initSyncWith, initWith, instantiateKernels, isInitialized, wasmModule,
} from '../../src/kernels/loader.js';
import { POLICY_WASM_LENGTH, POLICY_WASM_TEXT } from '../../src/kernels/policy-bytes.js';
import { WASM_LENGTH, WASM_TEXT } from '../../src/kernels/wasm-bytes.js';

/** The inlined module's bytes, copied into a plain ArrayBuffer (a BufferSource). */
const bytes = (): Uint8Array<ArrayBuffer> => decodeInlined(WASM_TEXT, WASM_LENGTH);
const noFallback = (): never => {
  throw new Error('the fallback (inlined bytes) must not be used here');
};

/** The smallest valid wasm module: magic "\0asm" and version 1, no sections. */
const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
/** (module (memory (export "memory") 1)): has a memory but none of our functions. */
const MEMORY_ONLY_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, // memory section: 1 memory, min 1 page
  0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // export "memory" (kind 2, index 0)
]);

/** A 2×2 GEMM on a fresh kernels instance: proves the module that was loaded works. */
function smokeGemm(): number[] {
  const k = createKernels('wasm');
  const h = new Float32Array(k.memory.buffer);
  const a = k.heapBase() >> 2;
  h.set([1, 2, 3, 4, 5, 6, 7, 8], a); // A = [[1,2],[3,4]], B = [[5,6],[7,8]]
  k.gemm(0, 0, 2, 2, 2, 1, a * 4, (a + 4) * 4, 0, (a + 8) * 4);
  return Array.from(h.subarray(a + 8, a + 12)); // A·B = [[19,22],[43,50]]
}

describe('initialization sources', () => {
  it('initSync(bytes) compiles the given bytes and the kernels work', () => {
    const before = wasmModule();
    initSync(bytes());
    expect(wasmModule()).not.toBe(before);
    expect(smokeGemm()).toEqual([19, 22, 43, 50]);
  });

  it('initSync(module) adopts a precompiled WebAssembly.Module as is, without touching bytes', () => {
    const module = new WebAssembly.Module(bytes());
    initSyncWith(module, noFallback);
    expect(wasmModule()).toBe(module);
    expect(smokeGemm()).toEqual([19, 22, 43, 50]);
  });

  it('await init(bytes) compiles asynchronously', async () => {
    await init(bytes());
    expect(smokeGemm()).toEqual([19, 22, 43, 50]);
  });

  it('await init(module) adopts a precompiled module, without touching bytes', async () => {
    const module = await WebAssembly.compile(bytes());
    await initWith(module, noFallback);
    expect(wasmModule()).toBe(module);
  });

  it('a second init() without a source keeps the compiled module (no recompile)', async () => {
    const module = wasmModule();
    initSyncWith(undefined, noFallback);
    await initWith(undefined, noFallback);
    expect(wasmModule()).toBe(module);
  });

  it('every kernels instance gets its own memory (one per agent)', () => {
    const a = instantiateKernels();
    const b = instantiateKernels();
    expect(a.memory).not.toBe(b.memory);
    new Float32Array(a.memory.buffer)[0] = 42;
    expect(new Float32Array(b.memory.buffer)[0]).toBe(0);
  });
});

describe('refusing what is not the ddpg-wasm kernel module', () => {
  it('an empty wasm module is refused with a message naming ddpg-wasm', () => {
    expect(() => initSync(EMPTY_WASM)).toThrow(/not the ddpg-wasm kernel module/);
  });

  it('a module with a memory but without the kernels is refused', () => {
    expect(() => initSync(MEMORY_ONLY_WASM)).toThrow(/not the ddpg-wasm kernel module/);
  });

  it('the same check applies to a precompiled module and to async init', async () => {
    expect(() => initSync(new WebAssembly.Module(MEMORY_ONLY_WASM))).toThrow(/ddpg-wasm/);
    await expect(init(EMPTY_WASM)).rejects.toThrow(/ddpg-wasm/);
  });

  it('a refused module leaves the previously loaded one in place', () => {
    const good = wasmModule();
    expect(() => initSync(EMPTY_WASM)).toThrow();
    expect(wasmModule()).toBe(good);
    expect(smokeGemm()).toEqual([19, 22, 43, 50]);
  });

  it('bytes that are not wasm at all fail to compile', () => {
    expect(() => initSync(new Uint8Array([1, 2, 3, 4]))).toThrow(WebAssembly.CompileError);
  });
});

describe('before init (fresh module state)', () => {
  async function freshLoader(): Promise<typeof import('../../src/kernels/loader.js')> {
    vi.resetModules();
    return import('../../src/kernels/loader.js');
  }

  it('importing compiles nothing: isInitialized() is false', async () => {
    const fresh = await freshLoader();
    expect(fresh.isInitialized()).toBe(false);
    expect(isInitialized()).toBe(true); // this file's own copy, initialized by test/setup.ts
  });

  it('creating kernels throws a clear error that says to call init()', async () => {
    await freshLoader();
    const { createKernels: fresh } = await import('../../src/kernels/index.js');
    expect(() => fresh('wasm')).toThrow(/not initialized: call `await init\(\)`/);
    expect(() => fresh('reference')).toThrow(/not initialized/);
  });

  it('the deterministic math throws the same error', async () => {
    await freshLoader();
    const math = await import('../../src/kernels/math.js');
    expect(() => math.sin(1)).toThrow(/not initialized/);
  });

  it('concurrent init() calls without a source share one compile', async () => {
    const fresh = await freshLoader();
    const fallback = vi.fn(bytes);
    await Promise.all([fresh.initWith(undefined, fallback), fresh.initWith(undefined, fallback), fresh.initWith(undefined, fallback)]);
    expect(fallback).toHaveBeenCalledTimes(1);
    const module = fresh.wasmModule();
    await fresh.initWith(undefined, fallback);
    fresh.initSyncWith(undefined, fallback);
    expect(fresh.wasmModule()).toBe(module);
    expect(fallback).toHaveBeenCalledTimes(1);
  });

  it('a synchronous init during a pending async one wins, and the async one does not replace it', async () => {
    const fresh = await freshLoader();
    const pending = fresh.initWith(undefined, bytes);
    fresh.initSyncWith(undefined, bytes);
    const adopted = fresh.wasmModule();
    await pending;
    expect(fresh.wasmModule()).toBe(adopted);
  });

  it('wasmModule() and detMath() throw before init and work after initSync()', async () => {
    const fresh = await freshLoader();
    expect(() => fresh.wasmModule()).toThrow(/not initialized/);
    expect(() => fresh.detMath()).toThrow(/not initialized/);
    fresh.initSyncWith(undefined, bytes);
    expect(fresh.detMath().exp(0)).toBe(1);
  });
});

describe('decodeInlined (the inlined module, one char per byte)', () => {
  it('gives exactly the bytes of build/kernels.wasm', () => {
    const file = readFileSync(new URL('../../build/kernels.wasm', import.meta.url));
    expect(Buffer.from(bytes()).equals(file)).toBe(true);
  });

  it('gives exactly the bytes of build/policy.wasm (ddpg-wasm/policy\'s forward-only module)', () => {
    const file = readFileSync(new URL('../../build/policy.wasm', import.meta.url));
    expect(Buffer.from(decodeInlined(POLICY_WASM_TEXT, POLICY_WASM_LENGTH)).equals(file)).toBe(true);
  });

  it('decodes every byte value (c = b + 41 mod 256; printable ASCII c as itself, the rest as U+0100 + c)', () => {
    const all = Array.from({ length: 256 }, (_, b) => b);
    const shifted = all.map((b) => (b + 41) & 0xff);
    const text = shifted.map((c) => String.fromCharCode(c >= 0x20 && c < 0x7f && c !== 0x27 && c !== 0x5c ? c : 0x100 + c)).join('');
    expect(Array.from(decodeInlined(text, 256))).toEqual(all);
  });

  it('refuses the text of a file read as Latin-1 instead of UTF-8 (wrong length), naming the fix', () => {
    const misread = Buffer.from(WASM_TEXT, 'utf8').toString('latin1');
    expect(() => decodeInlined(misread, WASM_LENGTH)).toThrow(/inlined kernel module is corrupted \(\d+ chars for \d+ bytes\).*init\(bytes or WebAssembly\.Module of ddpg-wasm\/kernels\.wasm\)/);
  });

  it.each([['a control char', '\n'], ['a Latin-1 char', '\u00e9'], ['a char past U+01FF', '\u0200']])('refuses %s', (_what, c) => {
    expect(() => decodeInlined(`ab${c}`, 3)).toThrow(/corrupted \(char U\+\w{4} at 2\)/);
  });
});

describe('the shared deterministic math', () => {
  it('is the instance math of the loaded module (not the engine)', () => {
    expect(detMath().tanhf(0.5)).toBe(0.46211713552474976); // musl tanhf, 1 ulp below the rounded truth
  });
});
