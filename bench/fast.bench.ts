/**
 * The opt-in fast mode (relaxed-SIMD build, fused multiply-add in the GEMM tiles)
 * against the default deterministic build: one DDPG update (keras preset, batch
 * 64) and the 64×256·256×256 GEMM, in one child process started with
 * --experimental-wasm-relaxed-simd (Node 20 validates relaxed SIMD only behind it).
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from './dist.js';
import { section, sig, table } from './harness.js';

interface Result { adopted: boolean; detMs: number; fastMs: number; detGemmUs: number; fastGemmUs: number }

export default async function (): Promise<string> {
  const dist = pathToFileURL(join(ROOT, 'dist') + '/').href;
  const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', join(ROOT, 'bench/fast/child.mjs'), dist], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Result;
  if (!r.adopted) return section('Fast mode (relaxed SIMD)', 'This engine did not validate the relaxed-SIMD build.');
  const gf = (us: number): string => sig((2 * 64 * 256 * 256) / us / 1e3);
  return section(
    'Fast mode (relaxed SIMD, opt-in)',
    table(['work', 'default build', 'fast build', 'speed-up'], [
      ['DDPG update(), keras, batch 64 (ms)', sig(r.detMs), sig(r.fastMs), `${sig(r.detMs / r.fastMs)}×`],
      ['GEMM 64×256·256×256 (µs; GFLOP/s)', `${sig(r.detGemmUs)}; ${gf(r.detGemmUs)}`, `${sig(r.fastGemmUs)}; ${gf(r.fastGemmUs)}`, `${sig(r.detGemmUs / r.fastGemmUs)}×`],
    ]),
    'Medians of 15 alternating rounds in one process (`node --experimental-wasm-relaxed-simd`). ' +
      'The fast build is not bit-identical across CPUs; the default build is.',
  );
}
