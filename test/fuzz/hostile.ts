// The robustness suite's harness (issue 14, "How it is tested"): hostile values,
// and `attempt`, which runs one call of a public entry point and asserts the
// three promises: (1) only the library's documented errors escape (Error,
// TypeError, RangeError; the CLI's UsageError), never an engine error from deep
// inside ("Cannot read properties of null", "Do not know how to serialize a
// BigInt"), and the message names the field; (2) a result is finite; (3) the
// call allocates at most ALLOC_BOUND bytes and returns within HANG_MS. Every
// attempt is tallied: inputs tried, outcomes by kind (docs/PERFORMANCE.md, "Reliability").
import fc from 'fast-check';
import { expect } from 'vitest';

/** The keys every object inherits from Object.prototype, or that reach it. */
export const PROTO_KEYS = ['toString', '__proto__', 'hasOwnProperty', 'constructor', 'valueOf', 'isPrototypeOf'] as const;

/** A fresh object whose own property `key` (any name, `__proto__` included) is `value`. */
export function own(key: string, value: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

function circular(): unknown {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}

/** Numbers at and beyond every edge: NaN, ±∞, −0, float32 overflow, 2^53, subnormal, huge. */
export const edgeNumber = fc.constantFrom(NaN, Infinity, -Infinity, -0, -1, 0.5, 1e300, -1e300, Number.MAX_VALUE, 3.5e38, -1e39,
  2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e-320, 100_001, 1e9);

/**
 * Any hostile value: edge numbers, BigInt, null/undefined, strings (prototype
 * member names among them), symbols, functions, circular and prototype-keyed
 * objects, prototype-less objects, objects that cannot become a string, arrays
 * and typed arrays of the wrong kind or length, array-likes with a huge length.
 */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  edgeNumber,
  fc.double(),
  fc.integer({ min: -3, max: 20 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(null, undefined, true, false, '', 'NaN', '1e400', '0.1', ...PROTO_KEYS),
  fc.string({ maxLength: 6 }),
  fc.constant(Symbol('hostile')),
  fc.constant(() => 1),
  fc.constant(null).map(circular),
  fc.constantFrom(...PROTO_KEYS).map((k) => own(k, { kind: 'policy' })),
  fc.constant(null).map(() => Object.create(null) as unknown),
  fc.constant(null).map(() => ({ toString: 5, valueOf: 5 })),
  fc.array(fc.oneof(fc.double(), fc.constantFrom(null, '1', 1n)), { maxLength: 4 }),
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { maxLength: 4 }).map((xs) => Float64Array.from(xs)),
  fc.nat(4).map((n) => new Uint8Array(n)),
  fc.nat(4).map((n) => new Float32Array(n)),
  fc.nat(4).map((n) => new Array<number>(n)),
  fc.constantFrom(1e9, 2 ** 32, -1, NaN).map((length) => ({ length })),
  fc.constant(null).map(() => new Date(0)),
);

/** What an attempt ended with. */
export type Outcome = 'ok' | 'Error' | 'TypeError' | 'RangeError' | 'UsageError';

export const ALLOC_BOUND = 64 * 2 ** 20;
export const HANG_MS = 5000;

/** Messages only an engine writes: a check the library forgot, not one of its errors. */
const ENGINE = /Cannot read prop|Cannot set prop|Cannot convert|is not a function|is not iterable|is not a constructor|Cannot create property|Do not know how to serialize|Converting circular|Invalid (typed )?array length|Maximum call stack|Cannot mix BigInt|out of memory|allocation failed|undefined is not (a function|an object|iterable)|null is not (a function|an object|iterable)|Invalid time value|Symbol to (a )?(string|number)/i;

export class Tally {
  readonly counts: Record<string, Record<Outcome, number>> = {};
  hangs = 0;
  crashes = 0;

  add(entry: string, o: Outcome): void {
    const c = (this.counts[entry] ??= { ok: 0, Error: 0, TypeError: 0, RangeError: 0, UsageError: 0 });
    c[o]++;
  }

  totals(): { inputs: number; byKind: Record<Outcome, number>; crashes: number; hangs: number } {
    const byKind: Record<Outcome, number> = { ok: 0, Error: 0, TypeError: 0, RangeError: 0, UsageError: 0 };
    for (const c of Object.values(this.counts)) for (const k of Object.keys(c) as Outcome[]) byKind[k] += c[k];
    return { inputs: Object.values(byKind).reduce((s, x) => s + x, 0), byKind, crashes: this.crashes, hangs: this.hangs };
  }
}

export const tally = new Tally();

/** The bytes this process holds outside wasm memory (JS heap and array buffers). */
function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Every number in a result (typed arrays, arrays, plain records), to check finiteness. */
export function numbersIn(r: unknown, out: number[] = [], depth = 0): number[] {
  if (typeof r === 'number') out.push(r);
  else if (ArrayBuffer.isView(r) && !(r instanceof DataView)) out.push(...Array.from(r as unknown as ArrayLike<number>, Number));
  else if (Array.isArray(r)) r.forEach((x) => numbersIn(x, out, depth + 1));
  else if (typeof r === 'object' && r !== null && depth < 3 && Object.getPrototypeOf(r) === Object.prototype) Object.values(r).forEach((x) => numbersIn(x, out, depth + 1));
  return out;
}

function judge(entry: string, field: RegExp, e: unknown): Outcome {
  tally.crashes++; // undone below once the error is one of the library's own
  const err = e as Error;
  expect(e, `${entry}: threw a non-Error ${String(e)}`).toBeInstanceOf(Error);
  const kind = err.constructor.name as Outcome;
  expect(['Error', 'TypeError', 'RangeError', 'UsageError'], `${entry}: ${kind}: ${err.message}`).toContain(kind);
  expect(err.message, `${entry}: an engine error escaped`).not.toMatch(ENGINE);
  expect(err.message, `${entry}: the message does not name the field`).toMatch(field);
  tally.crashes--;
  return kind;
}

/**
 * Runs f once: returns its outcome, after asserting the promises above.
 * `check` inspects a successful result (default: every number in it is finite);
 * `extraBytes` adds memory the call made outside the JS heap (an agent's wasm memory).
 */
export function attempt<T>(entry: string, field: RegExp, f: () => T, check: (r: T) => void = finiteResult, extraBytes: (r: T) => number = () => 0): Outcome {
  const m0 = held(), t0 = performance.now();
  let r: T;
  try {
    r = f();
  } catch (e) {
    bound(entry, t0, m0);
    return record(entry, judge(entry, field, e));
  }
  bound(entry, t0, m0 - extraBytes(r)); // the wasm memory it made counts too
  check(r);
  return record(entry, 'ok');
}

/** attempt() for calls that return a promise (learn, evaluate). */
export async function attemptAsync<T>(entry: string, field: RegExp, f: () => Promise<T>, check: (r: T) => void = finiteResult): Promise<Outcome> {
  const m0 = held(), t0 = performance.now();
  let r: T;
  try {
    r = await f();
  } catch (e) {
    bound(entry, t0, m0);
    return record(entry, judge(entry, field, e));
  }
  bound(entry, t0, m0);
  check(r);
  return record(entry, 'ok');
}

function record(entry: string, o: Outcome): Outcome {
  tally.add(entry, o);
  return o;
}

/** Fails the property when the call took longer than HANG_MS or held more than ALLOC_BOUND more bytes (wasm memory included by lowering `m0`). */
function bound(entry: string, t0: number, m0: number): void {
  const ms = performance.now() - t0, bytes = held() - m0;
  if (ms > HANG_MS) {
    tally.hangs++;
    throw new Error(`[bound] ${entry}: took ${ms.toFixed(0)} ms (> ${HANG_MS})`);
  }
  if (bytes > ALLOC_BOUND) throw new Error(`[bound] ${entry}: allocated ${(bytes / 2 ** 20).toFixed(1)} MiB (> ${ALLOC_BOUND / 2 ** 20})`);
}

export function finiteResult(r: unknown): void {
  const xs = numbersIn(r);
  expect(xs.every(Number.isFinite), `non-finite result ${xs.filter((x) => !Number.isFinite(x)).join(', ')}`).toBe(true);
}

/** A field name as a pattern (escaped). */
export const named = (...names: string[]): RegExp => new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** fast-check parameters: seeded, so npm test is deterministic. */
export const runs = (numRuns: number, seed = 14): fc.Parameters<unknown> => ({ numRuns, seed });

/** Something shaped almost like an Env: each member of a working one, or a hostile value in its place. */
export const hostileEnv: fc.Arbitrary<unknown> = fc.record({
  id: fc.oneof(fc.constant('Almost-v0'), hostile),
  observationSpace: fc.oneof(fc.constant({ shape: [2], low: [-1, -1], high: [1, 1] }), hostile, fc.record({ shape: hostile, low: hostile, high: hostile })),
  actionSpace: fc.oneof(fc.constant({ shape: [1], low: [-1], high: [1] }), hostile, fc.record({ shape: fc.oneof(hostile, fc.constant([1])), low: hostile, high: hostile })),
  reset: fc.oneof(fc.constant(() => Float32Array.of(0, 0)), hostile),
  step: fc.oneof(fc.constant(() => ({ obs: Float32Array.of(0, 0), reward: 0, terminated: false, truncated: true })), hostile),
  maxEpisodeSteps: fc.oneof(fc.constant(3), hostile),
}, { requiredKeys: [] });
