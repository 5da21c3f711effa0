/**
 * The reference backend: plain TypeScript loops with Math.fround after every
 * multiply and add, so each result is the float32 the wasm kernel must produce.
 * Per element it performs the same operation sequence as assembly/ (k summed in
 * increasing order, no fused multiply-add), which makes the two backends agree
 * bit for bit; the test suite still compares them with an error bound so the
 * contract is "correct", not "same as our other code".
 * The only non-TS piece is tanhf, taken from the deterministic math so that both
 * backends use one definition of float32 tanh.
 */
import { detMath } from './loader.js';
import { Act, type Kernels } from './types.js';
import { createSacReference } from './sac-reference.js';

const f = Math.fround;

/** @internal */
export function createReferenceKernels(): Kernels {
  const memory = new WebAssembly.Memory({ initial: 1 });
  let heap = new Float32Array(memory.buffer);
  let u32 = new Uint32Array(memory.buffer);
  let scratch = 0;
  const tanhf = detMath().tanhf;
  /** Re-creates the views if the memory grew (growth detaches them). */
  const h = (): Float32Array => {
    if (heap.buffer !== memory.buffer) {
      heap = new Float32Array(memory.buffer);
      u32 = new Uint32Array(memory.buffer);
    }
    return heap;
  };

  function gemmEx(tA: number, tB: number, m: number, n: number, k: number,
                  alpha: number, a: number, b: number, beta: number, c: number,
                  bias: number, act: number, scale: number): void {
    const H = h();
    alpha = f(alpha); beta = f(beta); scale = f(scale);
    const A = a >> 2, B = b >> 2, C = c >> 2, Bi = bias >> 2;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = H[tA ? A + p * m + i : A + i * k + p]!;
          const bv = H[tB ? B + j * k + p : B + p * n + j]!;
          s = f(s + f(av * bv));
        }
        let z = f(alpha * s);
        if (beta !== 0) z = f(z + f(beta * H[C + i * n + j]!));
        if (bias !== 0) z = f(z + H[Bi + j]!);
        if (act === Act.relu) z = z > 0 ? z : 0;
        else if (act === Act.tanh) z = tanhf(z);
        H[C + i * n + j] = f(z * scale);
      }
    }
  }

  return {
    backend: 'reference',
    memory,
    heapBase: () => 1024,
    setScratch(ptr, bytes) { scratch = ptr + bytes; void scratch; },
    gemm: (tA, tB, m, n, k, alpha, a, b, beta, c) => gemmEx(tA, tB, m, n, k, alpha, a, b, beta, c, 0, Act.identity, 1),
    gemmEx,
    copy(n, src, dst) { h().copyWithin(dst >> 2, src >> 2, (src >> 2) + n); },
    fill(n, dst, value) { h().fill(f(value), dst >> 2, (dst >> 2) + n); },
    scale(n, x, alpha) {
      const H = h(); alpha = f(alpha);
      for (let i = x >> 2, e = i + n; i < e; i++) H[i] = f(alpha * H[i]!);
    },
    axpy(n, alpha, x, y) {
      const H = h(); alpha = f(alpha);
      const X = x >> 2, Y = y >> 2;
      for (let i = 0; i < n; i++) H[Y + i] = f(f(alpha * H[X + i]!) + H[Y + i]!);
    },
    actBackward(n, dy, y, act, actScale, out) {
      const H = h(); actScale = f(actScale);
      const D = dy >> 2, Yp = y >> 2, O = out >> 2;
      for (let i = 0; i < n; i++) {
        const g = H[D + i]!;
        const yv = H[Yp + i]!;
        if (act === Act.relu) H[O + i] = yv > 0 ? g : 0;
        else if (act === Act.tanh) {
          const t = actScale !== 1 ? f(yv / actScale) : yv;
          H[O + i] = f(g * f(f(1 - f(t * t)) * actScale));
        } else H[O + i] = f(g * actScale);
      }
    },
    colSum(m, n, x, beta, out) {
      const H = h(); beta = f(beta);
      const X = x >> 2, O = out >> 2;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) s = f(s + H[X + i * n + j]!);
        if (beta !== 0) s = f(s + f(beta * H[O + j]!));
        H[O + j] = s;
      }
    },
    adam(n, p, g, m, v, beta1, beta2, alphaT, epsHat, wd) {
      const H = h();
      beta1 = f(beta1); beta2 = f(beta2); alphaT = f(alphaT); epsHat = f(epsHat); wd = f(wd);
      const omb1 = f(1 - beta1), omb2 = f(1 - beta2);
      const P = p >> 2, G = g >> 2, M = m >> 2, V = v >> 2;
      for (let i = 0; i < n; i++) {
        const th = H[P + i]!;
        let gr = H[G + i]!;
        if (wd !== 0) gr = f(gr + f(wd * th));
        const mm = f(f(beta1 * H[M + i]!) + f(omb1 * gr));
        const vv = f(f(beta2 * H[V + i]!) + f(omb2 * f(gr * gr)));
        H[M + i] = mm;
        H[V + i] = vv;
        H[P + i] = f(th - f(f(alphaT * mm) / f(f(Math.sqrt(vv)) + epsHat)));
      }
    },
    polyak(n, src, dst, tau) {
      const H = h(); tau = f(tau);
      const omt = f(1 - tau);
      const S = src >> 2, D = dst >> 2;
      for (let i = 0; i < n; i++) H[D + i] = f(f(tau * H[S + i]!) + f(omt * H[D + i]!));
    },
    allFinite(n, x) {
      h();
      for (let i = x >> 2, e = i + n; i < e; i++) if ((u32[i]! & 0x7f800000) === 0x7f800000) return 0;
      return 1;
    },
    gradBounded(n, p, g, wd, bound) {
      const H = h(), P = p >> 2, G = g >> 2, w = f(wd), b = f(bound);
      for (let i = 0; i < n; i++) {
        const gr = w !== 0 ? f(H[G + i]! + f(w * H[P + i]!)) : H[G + i]!;
        if (!(Math.abs(gr) < b)) return 0;
      }
      return 1;
    },
    ...createSacReference(h),
  };
}
