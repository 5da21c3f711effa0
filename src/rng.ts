/**
 * The one random generator of the library: xoshiro128** 1.1 (Blackman & Vigna,
 * https://prng.di.unimi.it/xoshiro128starstar.c), 32-bit integer arithmetic with
 * Math.imul only, so a seed gives the same stream on every engine. Seeded with
 * SplitMix64 as its authors recommend. Normals use Marsaglia's polar method with
 * the deterministic log from the kernel module (never Math.log), so `normal()`
 * needs `init()` to have run; the integer and uniform draws do not.
 * Math.random appears nowhere in the library.
 */
import { log } from './kernels/math.js';
import { showValue } from './show.js';

/** Everything needed to resume a stream exactly; JSON-safe. */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  /** The second normal of the last polar pair, or null. */
  readonly spare: number | null;
}

const M64 = (1n << 64n) - 1n;

/** SplitMix64 (Steele, Lea & Flood 2014), used only to expand seeds. */
function splitmix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & M64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

/** FNV-1a 64 of a stream name, so named child streams need no registry. */
function fnv1a64(name: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i));
    h = (h * 0x100000001b3n) & M64;
  }
  return h;
}

/** @internal */
export function checkSeed(seed: unknown, field = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${field} must be an integer in [0, 2^53 − 1], got ${showValue(seed)}`);
  }
  return seed;
}

/**
 * seed + k, wrapped around below 2^53 so that every accepted seed has a
 * successor (the wrap only touches seeds within k of 2^53 − 1): the seed of
 * the k-th of several episodes or runs that start from one seed.
 */
export function seedPlus(seed: number, k: number): number {
  checkSeed(seed);
  if (!(Number.isSafeInteger(k) && k >= 0 && k <= 2 ** 32)) throw new RangeError(`seedPlus: k must be an integer in [0, 2^32], got ${k}`);
  const room = Number.MAX_SAFE_INTEGER - k;
  return seed <= room ? seed + k : seed - room - 1;
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed integer in [0, 2^53 − 1]
   * @param stream optional name of an independent stream derived from the same
   *   seed (for example 'env', 'noise', 'replay'); '' is the root stream.
   */
  constructor(seed: number, stream = '') {
    checkSeed(seed);
    if (typeof stream !== 'string') throw new TypeError(`Rng: stream must be a string, got ${showValue(stream)}`);
    const st = { x: BigInt(seed) ^ (stream === '' ? 0n : fnv1a64(stream)) };
    const a = splitmix64(st);
    const b = splitmix64(st);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    // xoshiro must not start from the all-zero state (SplitMix64 output makes it
    // astronomically unlikely; guard anyway).
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator for a named stream of `seed`, independent of draw order. */
  static stream(seed: number, name: string): Rng {
    return new Rng(seed, name);
  }

  /** Next uint32 (as a non-negative number). */
  nextU32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    // result = rotl(s1 * 5, 7) * 9
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = (n3 << 11) | (n3 >>> 21);
    this.s0 = n0; this.s1 = n1; this.s2 = n2; this.s3 = n3;
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float32-exact value in [0, 1) with 24 random bits. */
  float32(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }

  /** Uniform double in [lo, hi) (numpy's `low + (high − low)·random()`). */
  uniform(lo: number, hi: number): number {
    if (!Number.isFinite(hi - lo)) throw new RangeError(`Rng.uniform: lo and hi must be finite numbers, got ${lo}, ${hi}`);
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n) without modulo bias (rejection of the short tail); 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n); // largest multiple of n ≤ 2^32
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }

  /** Standard normal (Marsaglia polar method, deterministic log). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u = 0, v = 0, s = 0;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const k = Math.sqrt((-2 * log(s)) / s);
    this.spare = v * k;
    return u * k;
  }

  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  setState(state: RngState): void {
    const s = state?.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new RangeError('Rng.setState: state.s must be four uint32 values');
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new RangeError('Rng.setState: the all-zero state is invalid for xoshiro128**');
    if (state.spare !== null && !(typeof state.spare === 'number' && Number.isFinite(state.spare))) {
      throw new RangeError('Rng.setState: state.spare must be a finite number or null');
    }
    this.s0 = s[0] | 0; this.s1 = s[1] | 0; this.s2 = s[2] | 0; this.s3 = s[3] | 0;
    this.spare = state.spare;
  }

  /** An independent copy at the same position. */
  clone(): Rng {
    const r = new Rng(0);
    r.setState(this.getState());
    return r;
  }
}
