/**
 * Opt-in threaded kernels (issue 17): the calling thread and T − 1 helper threads
 * split each large kernel call into disjoint slices of its output. GEMMs go by
 * blocks of output columns (or rows), Adam, polyak and the other element-wise
 * kernels by ranges. A reduction is never split: every output element is the
 * same dot product, summed in the same k order, as in the one-thread call, so the
 * bits are those of the default module (test/kernels/threads.test.ts).
 *
 * One build of the kernels for an imported shared memory (kernels-threads.wasm,
 * asconfig target "threads") is instantiated once per thread on each agent's
 * WebAssembly.Memory. Threads talk through a control block (a SharedArrayBuffer
 * of CTL_BYTES) with Atomics. A split call is cut into a few blocks per thread
 * (GEMM: panels of 8 output columns or 4 rows; element-wise: ranges) and
 * scheduled dynamically: the caller writes the arguments, arms CLAIM (the call's
 * tag and its block count), bumps SEQ and (only when a helper sleeps) notifies;
 * then every thread, the caller included, takes the next block with a
 * compare-exchange on CLAIM until none is left. A helper slow to wake or on a
 * slower core simply takes fewer blocks; the caller waits only for the blocks in
 * progress (DONE counts them). A helper spins a little on SEQ, then
 * Atomics.wait()s. No postMessage per call: postMessage only hands a helper each
 * new memory (MAIL).
 *
 * This module is reached only through a dynamic import() of initThreads (its own
 * chunk), so the default entries do not carry it.
 */
import { initWith, setFastLink, type WasmExports, type WasmSource } from './loader.js';
import type { Kernels } from './types.js';

/** What initThreads() resolves to: the number of threads agents created from now on use, and why it is 1 when fewer than asked. */
export interface ThreadsInfo {
  readonly threads: number;
  /** null when `threads` is what was asked; otherwise why not (no SharedArrayBuffer, page not crossOriginIsolated, no Worker, …). */
  readonly reason: string | null;
}

/** The exports of assembly/threads.ts: the kernels plus gemmPart (one block of a GEMM's output). */
interface ThreadExports extends WasmExports {
  gemmPart(tA: number, tB: number, m: number, n: number, k: number, alpha: number, a: number, b: number, beta: number, c: number,
    bias: number, act: number, scale: number, i0: number, i1: number, j0: number, j1: number): void;
}

// Control block layout (Int32 indices; the call's arguments as f64 from byte ARGS).
const SEQ = 0; // (call counter << 4) | op, one store per dispatched call
const SLEEP = 1; // helpers inside Atomics.wait
const CLAIM = 2; // (tag << 12) | blocks not yet taken; tag = the call counter's low 20 bits
const MEM = 3; // which memory (instance) the call is on
const ERR = 4; // set by a helper whose kernel threw
const JOINING = 5; // 1 while the caller sleeps in join() (then helpers notify)
const DONE = 6; // blocks of the current call the helpers finished
const WIDTH = 7; // columns, rows or floats per block
const BY = 8; // GEMM: 1 by column blocks, 0 by row blocks; element-wise: n
const ACK = 16; // ACK + h: the last SEQ word helper h answered (Mail, Scratch)
const ARGS = 2048;
const CTL_BYTES = 4096;
/** At most this many threads (the control block has room for 64 ACK slots). */
export const MAX_THREADS = 64;

const Op = { Mail: 1, Scratch: 2, Gemm: 3, Adam: 4, Polyak: 5, ActBackward: 6, Axpy: 7, Scale: 8, Fill: 9, Stop: 15 } as const;
type Op = (typeof Op)[keyof typeof Op];

/**
 * Below these sizes a call stays on the calling thread (a dispatch costs a few µs;
 * bench/RESULTS.md, "Threads", has the measurement behind them): GEMM by m·n·k
 * multiply-adds, element-wise kernels by n.
 */
export const GEMM_MIN_WORK = 1 << 17;
export const ELEMENT_MIN = 1 << 14;
/** Blocks per thread a split call is cut into (at most; bench/RESULTS.md, "Threads: dynamic blocks"). */
const BLOCKS_PER_THREAD = 4;

/** The thresholds in use, and whether back-off (class Backoff) may act (the bench and tests set others). @internal */
export const thresholds = { gemm: GEMM_MIN_WORK, element: ELEMENT_MIN, backoff: true, blocks: BLOCKS_PER_THREAD };

/** Where the calling thread's time went in split calls since the last reset (bench/threads): its own blocks, the wait for the helpers' (ms), and the blocks each ran. @internal */
export const stats = { calls: 0, ownMs: 0, joinMs: 0, blocks: 0, ownBlocks: 0 };

/**
 * The helper thread's program, as source: it runs in a Node worker_threads Worker
 * (eval, CommonJS: `port` is parentPort) or a Web Worker (a module from a Blob URL:
 * `port` is self). Plain text, so the bundler's minifier and name-keeping never
 * reach into it.
 */
const HELPER = `
let I, F, h, mod, seen = 0;
const inst = new Map();
function run(x, op, b) {
  const w = I[${WIDTH}], lo = b * w;
  if (op === ${Op.Gemm}) {
    if (I[${BY}] === 1) x.gemmPart(F[0], F[1], F[2], F[3], F[4], F[5], F[6], F[7], F[8], F[9], F[10], F[11], F[12], 0, F[2], lo, Math.min(F[3], lo + w));
    else x.gemmPart(F[0], F[1], F[2], F[3], F[4], F[5], F[6], F[7], F[8], F[9], F[10], F[11], F[12], lo, Math.min(F[2], lo + w), 0, F[3]);
    return;
  }
  const o = lo * 4, n = Math.min(I[${BY}], lo + w) - lo;
  switch (op) {
    case ${Op.Adam}: x.adam(n, F[1] + o, F[2] + o, F[3] + o, F[4] + o, F[5], F[6], F[7], F[8], F[9]); break;
    case ${Op.Polyak}: x.polyak(n, F[1] + o, F[2] + o, F[3]); break;
    case ${Op.ActBackward}: x.actBackward(n, F[1] + o, F[2] + o, F[3], F[4], F[5] + o); break;
    case ${Op.Axpy}: x.axpy(n, F[1], F[2] + o, F[3] + o); break;
    case ${Op.Scale}: x.scale(n, F[1] + o, F[2]); break;
    case ${Op.Fill}: x.fill(n, F[1] + o, F[2]); break;
  }
}
function work(op, tag) {
  for (;;) {
    const c = Atomics.load(I, ${CLAIM}), left = c & 4095;
    if (c >>> 12 !== tag || left === 0) return;
    if (Atomics.compareExchange(I, ${CLAIM}, c, c - 1) !== c) continue;
    try { run(inst.get(I[${MEM}]), op, left - 1); } catch (e) { Atomics.store(I, ${ERR}, 1); }
    Atomics.add(I, ${DONE}, 1);
    if (Atomics.load(I, ${JOINING}) !== 0) Atomics.notify(I, ${DONE});
  }
}
function loop() {
  for (;;) {
    let s, spins = 0;
    while ((s = Atomics.load(I, ${SEQ})) === seen) {
      if (++spins > SPIN) {
        Atomics.add(I, ${SLEEP}, 1);
        Atomics.wait(I, ${SEQ}, seen);
        Atomics.sub(I, ${SLEEP}, 1);
        spins = 0;
      }
    }
    seen = s;
    const op = s & 15;
    if (op === ${Op.Mail} || op === ${Op.Stop}) return; // Mail: the message posted before this call is next in the queue; Stop: terminate() follows
    if (op !== ${Op.Scratch}) { work(op, (s >>> 4) & 0xfffff); continue; }
    try { inst.get(I[${MEM}]).setScratch(F[0] + (h - 1) * F[1], F[1]); } catch (e) { Atomics.store(I, ${ERR}, 1); }
    Atomics.store(I, ${ACK} + h, s);
    if (Atomics.load(I, ${JOINING}) !== 0) Atomics.notify(I, ${ACK} + h);
  }
}
port.onmessage = (e) => {
  const d = e.data;
  if (d.type === 'init') {
    I = new Int32Array(d.ctl); F = new Float64Array(d.ctl, ${ARGS}); h = d.index; mod = d.module;
    seen = Atomics.load(I, ${SEQ});
    port.postMessage('ready');
    loop();
  } else if (d.type === 'attach') {
    try { inst.set(d.id, new WebAssembly.Instance(mod, { env: { memory: d.memory } }).exports); }
    catch (e) { Atomics.store(I, ${ERR}, 1); }
    Atomics.store(I, ${ACK} + h, seen);
    loop();
  } else inst.delete(d.id);
};
`;

/** Loads of SEQ a helper spins before it sleeps (≈ 0.3–1 ms: longer than the gaps between an update's kernel calls and most env steps; bench/RESULTS.md, "Threads"). */
const SPIN = 1 << 17;
/** Loads of an ACK the caller spins before it sleeps (where it may). */
const JOIN_SPIN = 1 << 17;

/** Split calls per back-off decision, and the large calls run unsplit after a window in which waiting exceeded computing. */
export const BACKOFF_WINDOW = 256;
export const BACKOFF_CALLS = 8192;

/**
 * Back-off: the helpers are not getting cores (a busy machine, more threads than
 * cores) when, over a window of BACKOFF_WINDOW split calls, they ran fewer than
 * half their share of the blocks ((T − 1)/T of them with T threads), or the caller
 * waited for them longer than it computed (a helper descheduled in the middle of
 * a block). Then the next BACKOFF_CALLS large calls run on the caller alone (the
 * same bits; the helpers, without work, go to sleep and free their cores), and a
 * new window starts after them.
 * @internal
 */
export class Backoff {
  /** Large calls still to run on the caller alone. */
  skip = 0;
  private own = 0;
  private wait = 0;
  private mine = 0;
  private blocks = 0;
  private calls = 0;

  constructor(readonly threads: number) {}

  /** Counts one split call: the caller's own time and its wait for the helpers (ms), the blocks it ran and the call's blocks. */
  record(own: number, wait: number, mine: number, blocks: number): void {
    this.own += own;
    this.wait += wait;
    this.mine += mine;
    this.blocks += blocks;
    if (++this.calls === BACKOFF_WINDOW) {
      const theirs = this.blocks - this.mine;
      if (this.wait > this.own || 2 * this.threads * theirs < (this.threads - 1) * this.blocks) this.skip = BACKOFF_CALLS;
      this.own = this.wait = this.mine = this.blocks = this.calls = 0;
    }
  }

  /** Whether the next large call runs unsplit (then it is counted off), unless thresholds.backoff is off. */
  take(): boolean {
    if (this.skip === 0 || !thresholds.backoff) return false;
    this.skip--;
    return true;
  }
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
const canBlock = ((): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // 'not-equal' at once, or a TypeError
    return true;
  } catch {
    return false;
  }
})();

/** The structural part of a Node worker_threads Worker or a Web Worker that we use. */
interface AnyWorker {
  postMessage(data: unknown): void;
  terminate(): unknown;
  unref?(): void;
  on?(event: string, f: (x: unknown) => void): void;
  addEventListener?(event: string, f: (e: { data?: unknown; message?: string; error?: unknown }) => void): void;
}
type WorkerCtor = new (src: string | URL, options?: Record<string, unknown>) => AnyWorker;

/** Why threads cannot run here, or null. */
function unavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable' + (g.crossOriginIsolated === false ? ' (the page is not cross-origin isolated: serve it with COOP/COEP headers)' : '');
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  if (workerCtor() === null) return 'this runtime has no Worker (nor node:worker_threads)';
  return null;
}

/** A Web Worker constructor (browsers, Deno, Bun), else Node's worker_threads one, else null. */
function workerCtor(): { kind: 'web' | 'node'; Worker: WorkerCtor } | null {
  const g = globalThis as { Worker?: WorkerCtor; process?: { getBuiltinModule?: (id: string) => { Worker?: WorkerCtor } | undefined } };
  if (typeof g.Worker === 'function') return { kind: 'web', Worker: g.Worker };
  // Node has no global Worker; getBuiltinModule (Node ≥ 20.16) reaches worker_threads without an import.
  const wt = g.process?.getBuiltinModule?.('node:worker_threads');
  return typeof wt?.Worker === 'function' ? { kind: 'node', Worker: wt.Worker } : null;
}

/** Starts one helper and resolves once it listens on the control block. */
function startHelper(index: number, ctl: SharedArrayBuffer, module: WebAssembly.Module): Promise<AnyWorker> {
  const c = workerCtor()!;
  const src = `const SPIN = ${SPIN};\n` + HELPER;
  const w = c.kind === 'node'
    ? new c.Worker(`const port = require('node:worker_threads').parentPort;\n${src}`, { eval: true })
    : new c.Worker(URL.createObjectURL(new Blob([`const port = self;\n${src}`], { type: 'text/javascript' })), { type: 'module' });
  return new Promise((resolve, reject) => {
    const fail = (e: unknown): void => { reject(new Error(`ddpg-wasm: helper thread ${index} failed to start: ${String((e as { message?: string }).message ?? e)}`)); };
    const ready = (): void => { resolve(w); };
    if (c.kind === 'node') {
      w.on!('message', ready);
      w.on!('error', fail);
    } else {
      w.addEventListener!('message', ready);
      w.addEventListener!('error', (e) => { fail(e.error ?? e.message ?? e); });
    }
    w.postMessage({ type: 'init', ctl, index, module });
  });
}

/** The running helpers and the control block (one pool per JavaScript thread). */
class Pool {
  readonly I: Int32Array;
  readonly F: Float64Array;
  private seq: number;
  private nextId = 1;
  private readonly registry = new FinalizationRegistry<number>((id) => {
    if (this.alive) for (const w of this.workers) w.postMessage({ type: 'detach', id });
  });
  alive = true;
  readonly backoff: Backoff;

  constructor(readonly module: WebAssembly.Module, readonly ctl: SharedArrayBuffer, readonly workers: AnyWorker[]) {
    this.I = new Int32Array(ctl);
    this.F = new Float64Array(ctl, ARGS);
    this.seq = Atomics.load(this.I, SEQ) >>> 4;
    this.backoff = new Backoff(workers.length + 1);
  }

  /** Threads in use: the caller and the helpers. */
  get threads(): number {
    return this.alive ? this.workers.length + 1 : 1;
  }

  /** Posts `op` (its arguments already written) to every helper; a split call's `blocks` become claimable. Returns the SEQ word. */
  private post(op: number, mem: number, blocks: number): number {
    const I = this.I;
    this.seq = (this.seq + 1) & 0xfffffff;
    I[MEM] = mem;
    I[DONE] = 0;
    Atomics.store(I, CLAIM, ((this.seq & 0xfffff) << 12) | blocks);
    const word = (this.seq << 4) | op;
    Atomics.store(I, SEQ, word);
    if (Atomics.load(I, SLEEP) > 0) Atomics.notify(I, SEQ);
    return word;
  }

  /**
   * Waits until I[at] (or, with `each`, every helper's I[at + h]) equals `want`:
   * spins JOIN_SPIN loads, then (where this thread may block: Node, workers)
   * sleeps in Atomics.wait, so that a helper the OS has descheduled (more threads
   * than free cores) gets the core instead of a spinning caller. A browser's main
   * thread only spins.
   */
  private join(at: number, want: number, each: boolean): void {
    const I = this.I;
    let deadline = 0;
    for (let h = each ? 1 : 0; h <= (each ? this.workers.length : 0); h++) {
      for (let spins = 0, v = Atomics.load(I, at + h); v !== want; v = Atomics.load(I, at + h), spins++) {
        if (spins < JOIN_SPIN) continue;
        if (canBlock) {
          Atomics.store(I, JOINING, 1);
          Atomics.wait(I, at + h, v, 1);
          Atomics.store(I, JOINING, 0);
        }
        if ((spins & 0xfff) === 0) {
          const now = performance.now();
          if (deadline === 0) deadline = now + 10_000;
          else if (now > deadline) throw new Error('ddpg-wasm: a helper thread did not answer within 10 s');
        }
      }
    }
    if (I[ERR] !== 0) {
      I[ERR] = 0;
      throw new Error('ddpg-wasm: a kernel failed in a helper thread (out of bounds?)');
    }
  }

  /** Posts an op every helper answers on its own (Mail, Scratch) and waits for all of them. */
  broadcast(op: number, mem: number): void {
    this.join(ACK, this.post(op, mem, 0), true);
  }

  /**
   * Runs a split call of `blocks` blocks (its arguments and geometry already in
   * the control block): posts it, runs blocks on this thread with `run` until
   * none is left, waits for the helpers' blocks in progress, and counts where
   * the time went. No closure per call (`run` is the instance's own).
   */
  split(op: number, mem: number, blocks: number, run: (op: number, block: number) => void): void {
    const I = this.I, t0 = performance.now();
    const tag = this.post(op, mem, blocks) >>> 4 & 0xfffff;
    let own = 0;
    try {
      for (;;) {
        const c = Atomics.load(I, CLAIM), left = c & 4095;
        if (c >>> 12 !== tag || left === 0) break;
        if (Atomics.compareExchange(I, CLAIM, c, c - 1) !== c) continue;
        run(op, left - 1);
        own++;
      }
    } finally {
      const t1 = performance.now();
      this.join(DONE, blocks - own, false);
      const wait = performance.now() - t1;
      stats.calls++;
      stats.ownMs += t1 - t0;
      stats.joinMs += wait;
      stats.blocks += blocks;
      stats.ownBlocks += own;
      this.backoff.record(t1 - t0, wait, own, blocks);
    }
  }

  /** Hands every helper a new memory (its own instance of the module on it); returns the memory's id. */
  attach(memory: WebAssembly.Memory, owner: object): number {
    const id = this.nextId++;
    for (const w of this.workers) w.postMessage({ type: 'attach', id, memory });
    this.broadcast(Op.Mail, id);
    this.registry.register(owner, id);
    return id;
  }

  dispose(): void {
    if (!this.alive) return;
    this.alive = false;
    this.post(Op.Stop, 0, 0);
    for (const w of this.workers) void w.terminate();
  }
}

let pool: Pool | null = null;

/** A kernel instance on a new shared memory, whose large calls the pool splits. */
function threaded(p: Pool): Kernels {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const x = new WebAssembly.Instance(p.module, { env: { memory } }).exports as unknown as ThreadExports;
  const handle = { backend: 'wasm' } as Kernels;
  const id = p.attach(memory, handle);
  const { I, F } = p;

  /**
   * Cuts `units` units of `unit` (the last may be short) into at most
   * thresholds.blocks blocks per thread: writes the block width and returns the
   * block count, or 0 when the call stays on this thread (below `min` work, a
   * single unit, disposed, or backing off).
   */
  const blocks = (work: number, min: number, units: number, unit: number): number => {
    if (work < min || units < 2 || !p.alive || p.backoff.take()) return 0;
    const per = Math.ceil(units / Math.min(units, p.threads * thresholds.blocks, 4095));
    I[WIDTH] = per * unit;
    return Math.ceil(units / per);
  };

  /** This thread's share of a split call: block b, as a helper runs it (HELPER's run). */
  const run = (op: number, b: number): void => {
    const w = I[WIDTH]!, lo = b * w;
    if (op === Op.Gemm) {
      if (I[BY] === 1) x.gemmPart(F[0]!, F[1]!, F[2]!, F[3]!, F[4]!, F[5]!, F[6]!, F[7]!, F[8]!, F[9]!, F[10]!, F[11]!, F[12]!, 0, F[2]!, lo, Math.min(F[3]!, lo + w));
      else x.gemmPart(F[0]!, F[1]!, F[2]!, F[3]!, F[4]!, F[5]!, F[6]!, F[7]!, F[8]!, F[9]!, F[10]!, F[11]!, F[12]!, lo, Math.min(F[2]!, lo + w), 0, F[3]!);
      return;
    }
    const o = lo * 4, n = Math.min(I[BY]!, lo + w) - lo;
    switch (op) {
      case Op.Adam: x.adam(n, F[1]! + o, F[2]! + o, F[3]! + o, F[4]! + o, F[5]!, F[6]!, F[7]!, F[8]!, F[9]!); break;
      case Op.Polyak: x.polyak(n, F[1]! + o, F[2]! + o, F[3]!); break;
      case Op.ActBackward: x.actBackward(n, F[1]! + o, F[2]! + o, F[3]!, F[4]!, F[5]! + o); break;
      case Op.Axpy: x.axpy(n, F[1]!, F[2]! + o, F[3]! + o); break;
      case Op.Scale: x.scale(n, F[1]! + o, F[2]!); break;
      case Op.Fill: x.fill(n, F[1]! + o, F[2]!); break;
    }
  };

  const gemmEx = (tA: number, tB: number, m: number, n: number, k: number, alpha: number, a: number, b: number, beta: number,
    c: number, bias: number, act: number, scale: number): void => {
    // By blocks of 8 columns (each thread packs only its own panels of B), else by blocks of 4 rows.
    const byCols = n >= 16 * p.threads || m < 8;
    const t = blocks(m * n * k, thresholds.gemm, byCols ? Math.ceil(n / 8) : Math.ceil(m / 4), byCols ? 8 : 4);
    if (t === 0) {
      x.gemmEx(tA, tB, m, n, k, alpha, a, b, beta, c, bias, act, scale);
      return;
    }
    F[0] = tA; F[1] = tB; F[2] = m; F[3] = n; F[4] = k; F[5] = alpha; F[6] = a; F[7] = b; F[8] = beta; F[9] = c;
    F[10] = bias; F[11] = act; F[12] = scale;
    I[BY] = byCols ? 1 : 0;
    p.split(Op.Gemm, id, t, run);
  };

  /** An element-wise call over n floats (its arguments already in F): split into ranges of whole cache lines (16 floats), or run here. */
  const each = (op: Op, n: number): void => {
    const t = blocks(n, thresholds.element, Math.ceil(n / 16), 16);
    I[BY] = n;
    if (t === 0) {
      I[WIDTH] = n;
      run(op, 0);
    } else p.split(op, id, t, run);
  };

  // The memory as the arena sees it. V8 may hand out a new SharedArrayBuffer object for
  // a shared memory that did not grow; the arena would take that for a growth after
  // commit(). A view of a shared buffer never detaches, so one object per arena grow()
  // is kept. Growth for the helpers' scratch (below) stays out of the arena's sight.
  let buffer = memory.buffer;
  const arenaMemory = {
    get buffer(): ArrayBufferLike { return buffer; },
    grow(pages: number): number {
      const r = memory.grow(pages);
      buffer = memory.buffer;
      return r;
    },
  } as unknown as WebAssembly.Memory;

  return Object.assign(handle, x, {
    backend: 'wasm' as const,
    memory: arenaMemory,
    setScratch: (ptr: number, bytes: number): void => {
      // The arena's scratch is this thread's; each helper gets one of the same size,
      // in pages grown past the arena's end (the arena never addresses them).
      x.setScratch(ptr, bytes);
      if (p.threads === 1) return;
      const base = memory.buffer.byteLength;
      memory.grow(Math.ceil((bytes * (p.threads - 1)) / 65536));
      F[0] = base; F[1] = bytes;
      p.broadcast(Op.Scratch, id);
    },
    gemmEx,
    gemm: (tA: number, tB: number, m: number, n: number, k: number, alpha: number, a: number, b: number, beta: number, c: number): void => {
      gemmEx(tA, tB, m, n, k, alpha, a, b, beta, c, 0, 0, 1);
    },
    adam: (n: number, pp: number, g: number, m: number, v: number, b1: number, b2: number, alphaT: number, epsHat: number, wd: number): void => {
      F[1] = pp; F[2] = g; F[3] = m; F[4] = v; F[5] = b1; F[6] = b2; F[7] = alphaT; F[8] = epsHat; F[9] = wd;
      each(Op.Adam, n);
    },
    polyak: (n: number, src: number, dst: number, tau: number): void => {
      F[1] = src; F[2] = dst; F[3] = tau;
      each(Op.Polyak, n);
    },
    actBackward: (n: number, dy: number, y: number, act: number, actScale: number, out: number): void => {
      F[1] = dy; F[2] = y; F[3] = act; F[4] = actScale; F[5] = out;
      each(Op.ActBackward, n);
    },
    axpy: (n: number, alpha: number, xp: number, y: number): void => {
      F[1] = alpha; F[2] = xp; F[3] = y;
      each(Op.Axpy, n);
    },
    scale: (n: number, xp: number, alpha: number): void => {
      F[1] = xp; F[2] = alpha;
      each(Op.Scale, n);
    },
    fill: (n: number, dst: number, value: number): void => {
      F[1] = dst; F[2] = value;
      each(Op.Fill, n);
    },
  });
}

/** Refuses anything but the threads build: it imports exactly env.memory (shared) and exports gemmPart. */
function checkThreads(module: WebAssembly.Module): void {
  const imports = WebAssembly.Module.imports(module);
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  const memoryOnly = imports.length === 1 && imports[0]!.module === 'env' && imports[0]!.name === 'memory' && imports[0]!.kind === 'memory';
  if (!memoryOnly || !['gemmPart', 'gemmEx', 'adam', 'polyak'].every((n) => names.includes(n))) {
    throw new TypeError('ddpg-wasm: initThreads() needs the threaded kernel module (ddpg-wasm/kernels-threads.wasm), which imports only ' +
      `env.memory and exports gemmPart; the given one imports [${imports.map((i) => `${i.module}.${i.name}`).join(', ')}]`);
  }
}

/** Ends the helper threads; agents keep working, on the calling thread alone (same bits). New agents use one thread. */
export function disposeThreads(): void {
  pool?.dispose();
  pool = null;
}

/** A new agent's kernels in threads mode (createKernels('wasm') takes them), or null outside it. @internal */
export function threadedKernels(): Kernels | null {
  return pool === null ? null : threaded(pool);
}

/** The threads agents created now would use (1 without initThreads). */
export function threadCount(): number {
  return pool?.threads ?? 1;
}

/**
 * Opt-in threads: agents created after this call split their large kernel calls
 * over `threads` threads (this one and threads − 1 helpers), with the bits of one
 * thread. Resolves to the threads in use, and the reason when that is 1 although
 * more were asked (no SharedArrayBuffer, a page that is not cross-origin isolated,
 * a runtime without workers): then everything runs on this thread, as after
 * init(). Leaves fast mode; a second call replaces the helpers. Helpers are
 * unref()'d in Node (they never keep a process alive); disposeThreads() ends them.
 *
 * @internal
 */
export async function initThreadsWith(threads: number, src: WasmSource, fallback: () => WasmSource): Promise<ThreadsInfo> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`initThreads: threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  await initWith(undefined, fallback);
  disposeThreads();
  setFastLink(null);
  if (threads === 1) return { threads: 1, reason: null };
  const why = unavailable();
  if (why !== null) return { threads: 1, reason: why };
  const module = src instanceof WebAssembly.Module ? src : await WebAssembly.compile(src);
  checkThreads(module);
  const ctl = new SharedArrayBuffer(CTL_BYTES);
  const workers = await Promise.all(Array.from({ length: threads - 1 }, (_, i) => startHelper(i + 1, ctl, module)));
  for (const w of workers) w.unref?.();
  const p = new Pool(module, ctl, workers);
  pool = p;
  return { threads, reason: null };
}
