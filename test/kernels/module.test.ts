// The shipped kernel modules import no functions: AssemblyScript adds an
// `env.abort` import for every bounds-checked `arr[i]` (even with --noAssert), so
// the import lists prove the kernels use raw loads only (ARCHITECTURE.md, "Kernel
// ABI"), and that no JS host function can leak engine-dependent behaviour into
// them. The deterministic module imports nothing; the fast one only the memory.
import { describe, expect, it } from 'vitest';
import { decodeInlined } from '../../src/kernels/loader.js';
import { POLICY_WASM_LENGTH, POLICY_WASM_TEXT } from '../../src/kernels/policy-bytes.js';
import { WASM_LENGTH, WASM_TEXT } from '../../src/kernels/wasm-bytes.js';
import { readFileSync } from 'node:fs';

describe('deterministic build (inlined)', () => {
  const bytes = decodeInlined(WASM_TEXT, WASM_LENGTH);

  it('has no imports (no bounds-check abort, no host functions)', () => {
    expect(imports(bytes)).toEqual([]);
  });

  it('exports its own memory and the kernel ABI', () => {
    const names = exportNames(bytes);
    for (const f of ['memory', 'gemm', 'gemmEx', 'adam', 'polyak', 'colSum', 'actBackward', 'sin', 'cos', 'log', 'exp', 'tanhf']) {
      expect(names).toContain(f);
    }
  });
});

describe('forward-only build (ddpg-wasm/policy, inlined)', () => {
  const bytes = decodeInlined(POLICY_WASM_TEXT, POLICY_WASM_LENGTH);

  it('has no imports and exports its own memory and exactly what Policy.act needs', () => {
    expect(imports(bytes)).toEqual([]);
    expect(exportNames(bytes).sort()).toEqual(['gemmEx', 'heapBase', 'memory', 'setScratch']);
  });
});

describe('fast (relaxed SIMD) build: the GEMM only, on the default module\'s memory', () => {
  // It may not validate on this engine (Node 20 without the flag); the sections
  // can still be read from the binary.
  const bytes = new Uint8Array(readFileSync(new URL('../../build/kernels-fast.wasm', import.meta.url)));

  it('imports exactly env.memory (no abort, no host functions)', () => {
    expect(imports(bytes)).toEqual(['env.memory']);
  });

  it('exports the GEMM entry points', () => {
    expect(exportNames(bytes)).toEqual(expect.arrayContaining(['gemm', 'gemmEx', 'setScratch']));
  });

  it('owns no data and runs no start function (it would write over the default module\'s static data)', () => {
    const ids = [...sections(bytes).keys()];
    expect(ids).not.toContain(11); // data
    expect(ids).not.toContain(12); // data count
    expect(ids).not.toContain(8); // start
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

/** "module.name" of every import (section 2). */
function imports(b: Uint8Array): string[] {
  const s = sections(b).get(2);
  if (s === undefined) return [];
  let [n, o] = leb(b, s[0]);
  const out: string[] = [];
  const text = (at: number): [string, number] => {
    const [len, start] = leb(b, at);
    return [new TextDecoder().decode(b.subarray(start, start + len)), start + len];
  };
  while (n-- > 0) {
    const [mod, o1] = text(o);
    const [name, o2] = text(o1);
    out.push(`${mod}.${name}`);
    const kind = b[o2]!;
    // Skip the import's description: func = type index; memory = limits.
    if (kind === 0) o = leb(b, o2 + 1)[1];
    else if (kind === 2) { const flags = b[o2 + 1]!; o = leb(b, o2 + 2)[1]; if (flags & 1) o = leb(b, o)[1]; }
    else throw new Error(`unexpected import kind ${kind}`);
  }
  return out;
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
