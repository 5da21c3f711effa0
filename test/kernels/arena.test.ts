// Arena: plan named blocks, align them to 64 bytes, grow the memory once at
// commit(), then hand out Float32Array views. Run against both backends, since
// the reference backend has its own WebAssembly.Memory too.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ARENA_ALIGN, Arena, type Block, createKernels } from '../../src/kernels/index.js';
import { BACKENDS } from './fixtures.js';

const PAGE = 65536; // WebAssembly page size (WebAssembly core spec §2.5.5)
const sizes = fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 12 });

function planned(backend: 'wasm' | 'reference', floats: readonly number[]): { arena: Arena; blocks: Block[] } {
  const arena = new Arena(createKernels(backend));
  const blocks = floats.map((n, i) => arena.alloc(`b${i}`, n));
  return { arena, blocks };
}

describe.each(BACKENDS)('Arena on the %s backend', (backend) => {
  it('aligns every block to 64 bytes (a cache line; also keeps SIMD loads 16-byte aligned)', () => {
    expect(ARENA_ALIGN).toBe(64);
    fc.assert(fc.property(sizes, (floats) => {
      const { blocks } = planned(backend, floats);
      expect(blocks.every((b) => b.ptr % 64 === 0)).toBe(true);
    }), { numRuns: 50 });
  });

  it('places blocks in address order without overlap, above the module’s static data', () => {
    fc.assert(fc.property(sizes, (floats) => {
      const { arena, blocks } = planned(backend, floats);
      expect(blocks[0]!.ptr).toBeGreaterThanOrEqual(arena.kernels.heapBase());
      for (let i = 1; i < blocks.length; i++) {
        expect(blocks[i - 1]!.ptr + 4 * blocks[i - 1]!.length).toBeLessThanOrEqual(blocks[i]!.ptr);
      }
    }), { numRuns: 50 });
  });

  it('gives each block a view of exactly its floats: writing one leaves the others alone', () => {
    const { arena, blocks } = planned(backend, [3, 17, 1, 64, 5]);
    arena.commit();
    blocks.forEach((b, i) => arena.f32(b).fill(i + 1));
    blocks.forEach((b, i) => {
      const v = arena.f32(b);
      expect(v.length).toBe(b.length);
      expect(v.every((x) => x === i + 1)).toBe(true);
    });
  });

  it('zero-fills the planned blocks at commit, even over memory that was dirty before', () => {
    const { arena, blocks } = planned(backend, [100, 7, 300]);
    const mem = arena.kernels.memory;
    const start = blocks[0]!.ptr;
    new Uint8Array(mem.buffer, start, mem.buffer.byteLength - start).fill(0xab);
    arena.commit();
    expect(blocks.every((b) => arena.f32(b).every((x) => Object.is(x, 0)))).toBe(true);
  });

  it('leaves the memory below the first block (the module’s static data) untouched', () => {
    const { arena } = planned(backend, [10]);
    const base = arena.kernels.heapBase();
    const before = new Uint8Array(arena.kernels.memory.buffer, 0, base).slice();
    arena.commit();
    expect(new Uint8Array(arena.kernels.memory.buffer, 0, base)).toEqual(before);
  });

  it('grows the memory exactly once, by enough pages for the whole plan', () => {
    const { arena, blocks } = planned(backend, [300_000, 5, 200_000]); // ~2 MB: several pages
    const grow = vi.spyOn(arena.kernels.memory, 'grow');
    arena.commit();
    expect(grow).toHaveBeenCalledTimes(1);
    expect(arena.kernels.memory.buffer.byteLength).toBeGreaterThanOrEqual(arena.bytes);
    const last = blocks[2]!;
    expect(arena.kernels.memory.buffer.byteLength).toBeGreaterThanOrEqual(last.ptr + 4 * last.length);
    expect(arena.kernels.memory.buffer.byteLength % PAGE).toBe(0);
  });

  it('does not grow at all when the plan fits the current memory', () => {
    const { arena } = planned(backend, [16]);
    const buffer = arena.kernels.memory.buffer;
    arena.commit();
    expect(arena.kernels.memory.buffer).toBe(buffer); // growth would have replaced the buffer
  });

  it('hands out views only after commit()', () => {
    const { arena, blocks } = planned(backend, [8]);
    expect(() => arena.f32(blocks[0]!)).toThrow(/only available after commit/);
    expect(() => arena.heap()).toThrow(/only available after commit/);
  });

  it('refuses to plan a block after commit(), naming the block', () => {
    const { arena } = planned(backend, [8]);
    arena.commit();
    expect(() => arena.alloc('late', 4)).toThrow(/"late" after commit/);
  });

  it('refuses a second commit()', () => {
    const { arena } = planned(backend, [8]);
    arena.commit();
    expect(() => arena.commit()).toThrow(/twice/);
  });

  it('refuses to hand out views once someone grew the memory after commit (they would be detached)', () => {
    const { arena, blocks } = planned(backend, [8]);
    arena.commit();
    const view = arena.f32(blocks[0]!);
    arena.kernels.memory.grow(1);
    expect(view.length).toBe(0); // what the caller would silently get without the check
    expect(() => arena.f32(blocks[0]!)).toThrow(/grew after commit/);
    expect(() => arena.heap()).toThrow(/grew after commit/);
  });

  it.each([-1, 1.5, NaN, Infinity])('rejects a block size of %s floats with a RangeError', (n) => {
    const arena = new Arena(createKernels(backend));
    expect(() => arena.alloc('bad', n)).toThrow(RangeError);
  });

  it('addresses the same memory the kernels use (a kernel fill shows in the view)', () => {
    const { arena, blocks } = planned(backend, [6]);
    arena.commit();
    const b = blocks[0]!;
    arena.kernels.fill(5, b.ptr, 2.5);
    expect(Array.from(arena.f32(b))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 0]);
    expect(arena.heap()[b.ptr >> 2]).toBe(2.5);
  });
});
