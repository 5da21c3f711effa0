// Run by bench/fast.bench.ts with --experimental-wasm-relaxed-simd: one DDPG
// agent on the default (deterministic) kernels and one on the fast build, the
// same seed and warm-up, then update() timed in alternating rounds so machine
// load hits both alike. Prints one JSON line.
import { readFileSync } from 'node:fs';
const dist = process.argv[2];
const { initSync, initFast, isFastMode, DDPG, makeEnv, createKernels, Arena } = await import(new URL('index.js', dist).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function agent() {
  const a = new DDPG(makeEnv('Pendulum-v1'), { seed: 0 });
  await a.learn(1000);
  return a;
}
function gemmUs() {
  const K = createKernels('wasm'), ar = new Arena(K);
  const A = ar.alloc('a', 64 * 256), B = ar.alloc('b', 256 * 256), C = ar.alloc('c', 64 * 256);
  ar.requireScratch(256); ar.commit();
  ar.f32(A).fill(0.5); ar.f32(B).fill(0.25);
  return () => { const t = performance.now(); for (let r = 0; r < 50; r++) K.gemm(0, 0, 64, 256, 256, 1, A.ptr, B.ptr, 0, C.ptr); return (performance.now() - t) / 50 * 1000; };
}
initSync();
const det = await agent(), detGemm = gemmUs();
const ok = await initFast(readFileSync(new URL('kernels-fast.wasm', dist)));
const fast = await agent(), fastGemm = gemmUs();
const t = { det: [], fast: [], detGemm: [], fastGemm: [] };
for (let round = 0; round < 15; round++) {
  for (const [name, a] of [['det', det], ['fast', fast]]) {
    const t0 = performance.now();
    for (let i = 0; i < 40; i++) a.update();
    t[name].push((performance.now() - t0) / 40);
  }
  t.detGemm.push(detGemm()); t.fastGemm.push(fastGemm());
}
console.log(JSON.stringify({ adopted: ok && isFastMode(), detMs: median(t.det), fastMs: median(t.fast), detGemmUs: median(t.detGemm), fastGemmUs: median(t.fastGemm) }));
