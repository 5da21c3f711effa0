// Compares GEMM speed of two or more kernel builds in one process, alternating
// rounds (so machine load hits all of them alike), and checks they agree.
// usage: node [--experimental-wasm-relaxed-simd] bench/tools/compare-wasm.mjs a.wasm b.wasm
import { readFileSync } from 'node:fs';
const files = process.argv.slice(2);
const mods = files.map((f) => new WebAssembly.Module(readFileSync(f)));
const shapes = [[0,0,64,256,256],[1,0,256,256,64],[0,1,64,256,256],[0,0,64,256,32],[0,1,64,32,256],[0,0,64,1,256],[0,1,64,256,1],[1,0,256,1,64],[0,0,64,256,3],[0,0,1,256,256]];
const A = 131072, B = A + 300000, C = B + 300000;
const inst = mods.map((m) => {
  const x = new WebAssembly.Instance(m, {}).exports;
  x.memory.grow(64);
  const f = new Float32Array(x.memory.buffer);
  for (let i = 65536 / 4; i < f.length; i++) f[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  x.setScratch(65536, 8 * 1024 * 4);
  return x;
});
console.log('shape'.padEnd(20), files.join('  |  '));
for (const [tA, tB, m, n, k] of shapes) {
  const res = inst.map(() => []);
  const reps = Math.max(5, Math.floor(2e7 / (m * n * k)));
  for (let round = 0; round < 15; round++) inst.forEach((x, j) => {
    const t = performance.now();
    for (let r = 0; r < reps; r++) x.gemm(tA, tB, m, n, k, 1, A, B, 0, C);
    res[j].push((performance.now() - t) / reps);
  });
  const med = res.map((r) => r.sort((a, b) => a - b)[r.length >> 1]);
  console.log(`t${tA}${tB} ${m}x${n}x${k}`.padEnd(20), med.map((t) => `${(t * 1000).toFixed(1)}us ${(2 * m * n * k / t / 1e6).toFixed(1)}GF`).join('  |  '));
}
const outs = inst.map((x) => { x.gemm(0, 0, 64, 256, 256, 1, A, B, 0, C); return new Float32Array(x.memory.buffer, C, 64 * 256).slice(); });
let maxRel = 0;
for (const o of outs) for (let i = 0; i < o.length; i++) maxRel = Math.max(maxRel, Math.abs(o[i] - outs[0][i]) / (Math.abs(outs[0][i]) + 1e-6));
console.log('bit-identical:', outs.every((o) => o.every((v, i) => Object.is(v, outs[0][i]))), 'max rel diff:', maxRel.toExponential(2));
