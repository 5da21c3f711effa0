// The opt-in relaxed-SIMD build: adopted only when the engine validates it, and
// its GEMM is still correct (within the same error bound as the default build).
// Node 20 validates it only behind --experimental-wasm-relaxed-simd, so the
// engine-dependent part runs in a child process with that flag (on dist/).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initFast, isFastMode } from '../../src/index.js';

const dist = new URL('../../dist/index.js', import.meta.url);

describe('fast mode (relaxed SIMD)', () => {
  it('is refused, not half-adopted, when the engine does not validate relaxed SIMD', async () => {
    const adopted = await initFast(readFileSync(new URL('../../build/kernels-fast.wasm', import.meta.url)));
    expect(isFastMode()).toBe(adopted);
    if (adopted) {
      // Put the deterministic module back for the rest of this file's process.
      const { initSync } = await import('../../src/index.js');
      initSync(readFileSync(new URL('../../build/kernels.wasm', import.meta.url)));
      expect(isFastMode()).toBe(false);
    }
  });

  it.skipIf(!existsSync(dist))('an init() racing initFast() does not undo fast mode (--experimental-wasm-relaxed-simd)', () => {
    // A fresh process per delay: the race is between the first compiles.
    const results = [0, 1, 2, 5].map((delayMs) => {
      const script = `
        import { init, initFast, isFastMode } from ${JSON.stringify(dist.href)};
        const { readFileSync } = await import('node:fs');
        const f = initFast(readFileSync(new URL('kernels-fast.wasm', ${JSON.stringify(dist.href)})));
        await new Promise((r) => setTimeout(r, ${delayMs}));
        const [adopted] = await Promise.all([f, init()]);
        console.log(JSON.stringify(adopted && isFastMode()));`;
      const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script], { encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop()!) as boolean;
    });
    expect(results).toEqual([true, true, true, true]);
  });

  it.skipIf(!existsSync(dist))('computes GEMM within the k·ε·Σ|a·b| bound and trains with --experimental-wasm-relaxed-simd', () => {
    const script = `
      import { initFast, isFastMode, createKernels, Arena, DDPG, makeEnv } from ${JSON.stringify(dist.href)};
      const { readFileSync } = await import('node:fs');
      const ok = await initFast(readFileSync(new URL('kernels-fast.wasm', ${JSON.stringify(dist.href)})));
      const K = createKernels('wasm'); const ar = new Arena(K);
      const [m, n, k] = [37, 70, 129];
      const A = ar.alloc('a', m * k), B = ar.alloc('b', k * n), C = ar.alloc('c', m * n);
      ar.requireScratch(k); ar.commit();
      const a = ar.f32(A), b = ar.f32(B);
      for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 1013) / 1013 - 0.5;
      for (let i = 0; i < b.length; i++) b[i] = ((i * 104729) % 997) / 997 - 0.5;
      K.gemm(0, 0, m, n, k, 1, A.ptr, B.ptr, 0, C.ptr);
      const c = ar.f32(C); let worst = 0;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let s = 0, abs = 0;
        for (let p = 0; p < k; p++) { s += a[i * k + p] * b[p * n + j]; abs += Math.abs(a[i * k + p] * b[p * n + j]); }
        worst = Math.max(worst, Math.abs(c[i * n + j] - s) / (k * 2 ** -24 * abs));
      }
      const agent = new DDPG(makeEnv('Pendulum-v1'), { seed: 0 });
      await agent.learn(100);
      console.log(JSON.stringify({ ok, fast: isFastMode(), worst, finite: agent.actor.paramsFinite() }));`;
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { ok: boolean; fast: boolean; worst: number; finite: boolean };
    expect(r.ok).toBe(true);
    expect(r.fast).toBe(true);
    expect(r.worst).toBeLessThanOrEqual(1); // error / (k·ε·Σ|a·b|)
    expect(r.finite).toBe(true);
  });
});
