/**
 * Plan once, grow once (ARCHITECTURE.md, "Memory"). Blocks are planned by name
 * and size, each aligned to 64 bytes (a cache line; also keeps every SIMD load
 * 16-byte aligned); `commit()` grows the memory a single time; only then are
 * Float32Array views handed out. Planning after commit is an error, because the
 * growth it would need detaches every view already given out.
 */
import type { Kernels } from './types.js';

export interface Block {
  readonly name: string;
  /** Byte offset into the kernels' memory. */
  readonly ptr: number;
  /** Length in floats. */
  readonly length: number;
}

/**
 * A planned block and its float32 view. The view exists from commit() on
 * (reading `f32` earlier throws) and is made once: memory never grows after
 * commit, so it stays valid. Kernels take `ptr`; TypeScript code reads `f32`.
 */
export interface Tensor extends Block {
  readonly f32: Float32Array;
}

export const ARENA_ALIGN = 64;
const PAGE = 65536;

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

export class Arena {
  readonly kernels: Kernels;
  private top: number;
  private readonly blocks: Block[] = [];
  private committedBuffer: ArrayBuffer | null = null;
  private scratchK = 0;

  constructor(kernels: Kernels) {
    this.kernels = kernels;
    this.top = alignUp(Math.max(kernels.heapBase(), 64), ARENA_ALIGN);
  }

  /** Plans a block of `floats` float32 values (zero-filled at commit). */
  alloc(name: string, floats: number): Tensor {
    if (this.committedBuffer !== null) {
      throw new Error(`Arena: cannot allocate "${name}" after commit(): growing memory would detach existing views`);
    }
    if (!Number.isInteger(floats) || floats < 0) {
      throw new RangeError(`Arena: block "${name}" size must be a non-negative integer of floats, got ${floats}`);
    }
    const block = { name, ptr: this.top, length: floats } as Tensor;
    let view: Float32Array | null = null;
    // Not enumerable: a block still compares and prints as { name, ptr, length }.
    Object.defineProperty(block, 'f32', { get: () => (view ??= this.f32(block)) });
    this.top = alignUp(this.top + floats * 4, ARENA_ALIGN);
    this.blocks.push(block);
    return block;
  }

  /** Bytes planned so far, including the module's static data below the arena. */
  get bytes(): number {
    return this.top;
  }

  get committed(): boolean {
    return this.committedBuffer !== null;
  }

  /** All planned blocks, in address order. */
  get plan(): readonly Block[] {
    return this.blocks;
  }

  /**
   * Declares that some GEMM with transB will run with this k; commit() then
   * plans one packing scratch of 8·max(k) floats and registers it with the kernels.
   */
  requireScratch(k: number): void {
    if (this.committedBuffer !== null) throw new Error('Arena: requireScratch() after commit()');
    this.scratchK = Math.max(this.scratchK, k);
  }

  /** Grows the memory once to hold every planned block. */
  commit(): void {
    if (this.committedBuffer !== null) throw new Error('Arena: commit() called twice');
    // 8 floats per k: one packed 8-wide panel of Bᵀ (assembly/gemm.ts).
    const scratch = this.alloc('gemm.scratch', 8 * Math.max(this.scratchK, 1));
    const mem = this.kernels.memory;
    const have = mem.buffer.byteLength;
    try {
      if (this.top > have) mem.grow(Math.ceil((this.top - have) / PAGE));
    } catch {
      // wasm32 stops at 4 GiB (often less: the engine or the host may refuse first).
      throw new RangeError(`Arena: ${Math.ceil(this.top / 2 ** 20)} MiB of networks and batches do not fit in wasm memory; use narrower layers or a smaller batchSize`);
    }
    this.committedBuffer = mem.buffer;
    // Grown pages are zero (the wasm spec), so only the memory there was before is cleared: the
    // pages of blocks nothing writes yet (activations of a large batch) stay untouched, off RSS.
    new Float32Array(mem.buffer).fill(0, (this.blocks[0]?.ptr ?? 0) >> 2, Math.min(this.top, have) >> 2);
    this.kernels.setScratch(scratch.ptr, scratch.length * 4);
  }

  /** A view of one block (only after commit). */
  f32(block: Block): Float32Array {
    return new Float32Array(this.buffer(), block.ptr, block.length);
  }

  /** A view of the whole memory, for code that addresses by offset (ptr >> 2). */
  heap(): Float32Array {
    return new Float32Array(this.buffer());
  }

  private buffer(): ArrayBuffer {
    if (this.committedBuffer === null) throw new Error('Arena: views are only available after commit()');
    if (this.committedBuffer !== this.kernels.memory.buffer) {
      throw new Error('Arena: the memory grew after commit(), so earlier views are detached; this is a bug in the caller');
    }
    return this.committedBuffer;
  }
}
