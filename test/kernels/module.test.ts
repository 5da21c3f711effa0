// The shipped kernel modules import nothing: AssemblyScript adds an `env.abort`
// import for every bounds-checked `arr[i]` (even with --noAssert), so an empty
// import list proves the kernels use raw loads only (ARCHITECTURE.md, "Kernel ABI"),
// and that no JS host function can leak engine-dependent behaviour into them.
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/kernels/loader.js';
import { WASM_BASE64 } from '../../src/kernels/wasm-bytes.js';
import { readFileSync } from 'node:fs';

describe.each([
  ['deterministic build (inlined)', () => decodeBase64(WASM_BASE64)],
  ['fast (relaxed SIMD) build', () => new Uint8Array(readFileSync(new URL('../../build/kernels-fast.wasm', import.meta.url)))],
])('%s', (_name, load) => {
  const bytes = load();

  it('has no imports (no bounds-check abort, no host functions)', () => {
    // The fast build may not validate on this engine (Node 20 without the flag);
    // the import section can still be read from the binary: parse section 2.
    expect(importCount(bytes)).toBe(0);
  });

  it('exports its own memory and the kernel ABI', () => {
    const names = exportNames(bytes);
    for (const f of ['memory', 'gemm', 'gemmEx', 'adam', 'polyak', 'colSum', 'actBackward', 'sin', 'cos', 'log', 'exp', 'tanhf']) {
      expect(names).toContain(f);
    }
  });
});

/** Reads a LEB128 u32 at `o`; returns [value, next offset]. */
function leb(b: Uint8Array, o: number): [number, number] {
  let v = 0, shift = 0, byte = 0;
  do {
    byte = b[o++]!;
    v |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [v >>> 0, o];
}

function sections(b: Uint8Array): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  let o = 8; // magic + version
  while (o < b.length) {
    const id = b[o++]!;
    const [size, start] = leb(b, o);
    out.set(id, [start, start + size]);
    o = start + size;
  }
  return out;
}

function importCount(b: Uint8Array): number {
  const s = sections(b).get(2); // import section
  return s === undefined ? 0 : leb(b, s[0])[0];
}

function exportNames(b: Uint8Array): string[] {
  const s = sections(b).get(7)!; // export section
  let [n, o] = leb(b, s[0]);
  const names: string[] = [];
  while (n-- > 0) {
    const [len, start] = leb(b, o);
    names.push(new TextDecoder().decode(b.subarray(start, start + len)));
    o = leb(b, start + len + 1)[1]; // kind byte, then index
  }
  return names;
}

describe('base64 decoding of the inlined module', () => {
  it('the portable decoder and the atob path give the same bytes', async () => {
    const { decodeBase64Portable } = await import('../../src/kernels/loader.js');
    const a = decodeBase64(WASM_BASE64);
    const b = decodeBase64Portable(WASM_BASE64);
    expect(b.length).toBe(a.length);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    // and both equal Node's own decoder
    expect(Buffer.from(a).equals(Buffer.from(WASM_BASE64, 'base64'))).toBe(true);
  });

  it('the portable decoder handles padding', async () => {
    const { decodeBase64Portable } = await import('../../src/kernels/loader.js');
    expect(Array.from(decodeBase64Portable('TWE='))).toEqual([77, 97]); // "Ma"
    expect(Array.from(decodeBase64Portable('TQ=='))).toEqual([77]); // "M"
    expect(Array.from(decodeBase64Portable('TWFu'))).toEqual([77, 97, 110]); // "Man"
  });
});
