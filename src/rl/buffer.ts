/**
 * Experience replay (Lillicrap et al. 2015, Alg. 1 lines 10–11): a fixed-size
 * ring of transitions (s, a, r, s′, terminated) stored as structure-of-arrays
 * Float32Arrays, allocated once. `sample` draws row indices uniformly *with
 * replacement* from the filled part, as the Keras notebook's
 * `np.random.choice(record_range, batch_size)`, and copies the rows straight into
 * caller-provided views (for example the agent's wasm batch staging): no
 * allocation per call.
 *
 * Storage is ordinary typed arrays, not wasm memory, so a large buffer (the paper
 * preset's 10^6 rows × (3 + 1 + 1 + 3 + 1) floats ≈ 36 MB for Pendulum) never
 * forces the kernel memory to grow. Rows fill 0, 1, … in order and then wrap, so
 * the filled part is always rows [0, size) and `next` is the oldest row once full.
 */
import { type BlockData, type Decoded, decodeContainer } from '../nn/container.js';
import { encodeContainer } from '../nn/container-write.js';
import type { Rng } from '../rng.js';

/** Where `sample` writes a batch of B rows (each at least B × width long). */
export interface ReplayBatch {
  /** B × obsDim, row-major. */
  readonly obs: Float32Array;
  /** B × actionDim, row-major. */
  readonly action: Float32Array;
  /** B rewards. */
  readonly reward: Float32Array;
  /** B × obsDim, row-major. */
  readonly nextObs: Float32Array;
  /** B flags, 1 where the transition was terminal (truncation is not terminal). */
  readonly done: Float32Array;
}

/**
 * A buffer in a container (nn/container.ts): these header fields, and the
 * filled rows as the blocks buffer.obs, buffer.action, buffer.reward,
 * buffer.nextObs (f32) and buffer.terminated (u8, 0 or 1). @internal
 */
export interface BufferState {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly size: number;
  readonly next: number;
}

/** Row count limit: indices stay below 2^32 (Rng.int's range) and byte offsets safe. */
const MAX_CAPACITY = 2 ** 31;

function checkDim(value: number, field: string, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`ReplayBuffer: ${field} must be an integer in [1, ${max}], got ${String(value)}`);
  }
  return value;
}

const f32 = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(Math.fround(v));

/** dst[d..d+n) = src[s..s+n), without allocating a subarray view. */
function copyRow(src: ArrayLike<number>, s: number, dst: Float32Array, d: number, n: number): void {
  for (let j = 0; j < n; j++) dst[d + j] = src[s + j]!;
}

export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actionDim: number;
  private readonly obs: Float32Array;
  private readonly action: Float32Array;
  private readonly reward: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly terminated: Uint8Array;
  private count = 0;
  private next = 0;

  /**
   * @param capacity rows kept (the notebook's Buffer: 50 000; Lillicrap et al. §7: 10^6)
   * @param obsDim observation length
   * @param actionDim action length
   */
  constructor(capacity: number, obsDim: number, actionDim: number) {
    this.capacity = checkDim(capacity, 'capacity', MAX_CAPACITY);
    this.obsDim = checkDim(obsDim, 'obsDim', 65536);
    this.actionDim = checkDim(actionDim, 'actionDim', 65536);
    try {
      this.obs = new Float32Array(capacity * obsDim);
      this.action = new Float32Array(capacity * actionDim);
      this.reward = new Float32Array(capacity);
      this.nextObs = new Float32Array(capacity * obsDim);
      this.terminated = new Uint8Array(capacity);
    } catch {
      throw new RangeError(`ReplayBuffer: capacity (bufferSize) ${capacity} × obsDim ${obsDim} floats cannot be allocated; lower the capacity`);
    }
  }

  /** Rows currently stored: min(rows added, capacity). */
  get size(): number {
    return this.count;
  }

  /** The row the next `add` writes (the oldest row once the buffer is full). */
  get position(): number {
    return this.next;
  }

  /** Stores one transition, overwriting the oldest row once full. Values are rounded to float32. */
  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminated: boolean): void {
    this.checkRow(obs, action, reward, nextObs);
    const i = this.next, o = this.obsDim, a = this.actionDim;
    copyRow(obs, 0, this.obs, i * o, o);
    copyRow(action, 0, this.action, i * a, a);
    this.reward[i] = reward;
    copyRow(nextObs, 0, this.nextObs, i * o, o);
    this.terminated[i] = terminated ? 1 : 0;
    this.next = i + 1 === this.capacity ? 0 : i + 1;
    if (this.count < this.capacity) this.count++;
  }

  private checkRow(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>): void {
    if (obs?.length !== this.obsDim || nextObs?.length !== this.obsDim || action?.length !== this.actionDim) {
      throw new RangeError(`ReplayBuffer.add: expected obs/nextObs of length ${this.obsDim} and action of length ${this.actionDim}, ` +
        `got ${String(obs?.length)}, ${String(nextObs?.length)} and ${String(action?.length)}`);
    }
    // Stored as float32: beyond ±3.4e38 a finite double would become ±Infinity.
    if (!f32(reward)) throw new RangeError(`ReplayBuffer.add: reward must be finite in float32, got ${reward}`);
    for (let j = 0; j < this.obsDim; j++) {
      if (!f32(obs[j]) || !f32(nextObs[j])) {
        throw new RangeError(`ReplayBuffer.add: obs[${j}] = ${obs[j]}, nextObs[${j}] = ${nextObs[j]} must be finite in float32`);
      }
    }
    for (let j = 0; j < this.actionDim; j++) {
      if (!f32(action[j])) throw new RangeError(`ReplayBuffer.add: action[${j}] = ${action[j]} must be finite in float32`);
    }
  }

  /**
   * Writes `batchSize` rows drawn uniformly with replacement from the filled
   * part into `into`, one `rng.int(size)` per row in order.
   */
  sample(batchSize: number, rng: Rng, into: ReplayBatch): void {
    this.checkSample(batchSize, into);
    const o = this.obsDim, a = this.actionDim, n = this.count;
    for (let b = 0; b < batchSize; b++) {
      const i = rng.int(n);
      copyRow(this.obs, i * o, into.obs, b * o, o);
      copyRow(this.action, i * a, into.action, b * a, a);
      into.reward[b] = this.reward[i]!;
      copyRow(this.nextObs, i * o, into.nextObs, b * o, o);
      into.done[b] = this.terminated[i]!;
    }
  }

  private checkSample(batchSize: number, into: ReplayBatch): void {
    if (this.count === 0) throw new RangeError('ReplayBuffer.sample: the buffer is empty');
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`ReplayBuffer.sample: batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    const o = batchSize * this.obsDim, a = batchSize * this.actionDim;
    if (!(into?.obs?.length >= o && into.nextObs?.length >= o && into.action?.length >= a &&
        into.reward?.length >= batchSize && into.done?.length >= batchSize)) {
      throw new RangeError(`ReplayBuffer.sample: into needs obs/nextObs ≥ ${o}, action ≥ ${a}, reward/done ≥ ${batchSize} floats`);
    }
  }

  /** Forgets every row (the storage is kept). */
  clear(): void {
    this.count = 0;
    this.next = 0;
  }

  /** The header fields and the blocks (views of the filled rows, not copies) that store this buffer in a container. @internal */
  getState(): { state: BufferState; blocks: { name: string; data: BlockData }[] } {
    const n = this.count;
    return {
      state: { capacity: this.capacity, obsDim: this.obsDim, actionDim: this.actionDim, size: n, next: this.next },
      blocks: this.sections().map(([name, d, w]) => ({ name, data: d.subarray(0, n * w) })),
    };
  }

  /**
   * Replaces the contents with a buffer stored in a decoded container (`state`
   * from its header, the rows from its blocks) of the same capacity and widths;
   * everything is checked before the first write, and refusals are the container reader's.
   * @internal
   */
  setState(state: unknown, c: Decoded): void {
    const s = (state ?? {}) as Partial<BufferState>, cap = this.capacity;
    if (s.capacity !== cap || s.obsDim !== this.obsDim || s.actionDim !== this.actionDim) {
      c.refuse(`saved replay buffer capacity/obsDim/actionDim ${s.capacity}/${s.obsDim}/${s.actionDim} differ from this buffer's ${cap}/${this.obsDim}/${this.actionDim}`);
    }
    const { size, next } = s as BufferState;
    if (!Number.isSafeInteger(size) || !Number.isSafeInteger(next) || size < 0 || next < 0 || size > cap || next >= cap || (size < cap && next !== size)) {
      c.refuse(`inconsistent replay buffer size ${size} and position ${next} for capacity ${cap}`);
    }
    const rows = this.sections().map(([name, d, w]) => [d, c.block(name, d instanceof Float32Array ? 'f32' : 'u8', size * w)] as const);
    if (rows[4]![1].some((x) => x > 1)) c.refuse('replay buffer terminated flags must be 0 or 1');
    for (const [dst, src] of rows) dst.set(src);
    this.count = size;
    this.next = next;
  }

  /**
   * The contents and write position as a container of kind 'buffer' (only the
   * filled rows: 4·size·(2·obsDim + actionDim + 1) + size bytes plus the framing).
   */
  save(): Uint8Array {
    const { state, blocks } = this.getState();
    return encodeContainer({ kind: 'buffer', buffer: state }, blocks);
  }

  /** Replaces the contents with a `save()` of a buffer of the same capacity and widths (validated first). */
  restore(bytes: Uint8Array): void {
    const c = decodeContainer(bytes, 'replay buffer', ['buffer']);
    this.setState(c.header.buffer, c);
  }

  /** A new buffer holding a `save()`d one (capacity and widths from the header). */
  static load(bytes: Uint8Array): ReplayBuffer {
    const c = decodeContainer(bytes, 'replay buffer', ['buffer']);
    const s = (c.header.buffer ?? {}) as Partial<BufferState>;
    const buf = new ReplayBuffer(s.capacity!, s.obsDim!, s.actionDim!);
    buf.setState(s, c);
    return buf;
  }

  /** Block name, storage and row width of each column. */
  private sections(): [string, Float32Array | Uint8Array, number][] {
    const o = this.obsDim;
    return [['buffer.obs', this.obs, o], ['buffer.action', this.action, this.actionDim], ['buffer.reward', this.reward, 1],
      ['buffer.nextObs', this.nextObs, o], ['buffer.terminated', this.terminated, 1]];
  }
}
