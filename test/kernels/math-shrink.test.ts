// The deterministic math gives the same bits at every AssemblyScript shrinkLevel
// (assembly/math.ts, "The same bits at every shrinkLevel"). AssemblyScript's std
// chooses Mathf.exp's algorithm and part of f64 sin/cos's argument reduction by
// ASC_SHRINK_LEVEL; every hash was recorded with level-0 modules, and the shipped
// full module is built at level 1 (asconfig.json, for size), so it must compute
// what level 0 computes. This compiles the math exports at shrinkLevel 0 (asc's API,
// in memory; a few seconds) and compares them bit for bit with the shipped module,
// densely where the algorithms differ: π/4 < |x| < 3π/4 for sin/cos, and all of
// float32 exp's range (where std's Mathf.exp at levels ≥ 1 differs on about 1 input in 11).
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeInlined } from '../../src/kernels/loader.js';
import { WASM_LENGTH, WASM_TEXT } from '../../src/kernels/wasm-bytes.js';
import { Rng } from '../../src/rng.js';
import { ROOT } from '../cli/helpers.js';

type MathFns = Record<'sin' | 'cos' | 'exp' | 'log' | 'tanh' | 'tanhf' | 'expf' | 'log1pf', (x: number) => number>;

/** assembly/math.ts's exports (and SAC's log1pf), compiled with the release flags at the given shrinkLevel. */
async function compileMath(shrinkLevel: number): Promise<Uint8Array<ArrayBuffer>> {
  const probe = 'export { sin, cos, exp, log, tanh, tanhf, expf } from "./math";\nexport { log1pf } from "./sac";\n';
  const out: Record<string, Uint8Array> = {};
  const { error, stderr } = await asc.main(
    ['shrink-probe.ts', '--baseDir', join(ROOT, 'assembly'), '--config', join(ROOT, 'asconfig.json'), '--target', 'release',
      '--shrinkLevel', String(shrinkLevel), '--outFile', 'probe.wasm', '--textFile', 'probe.wat'],
    {
      readFile: (name: string, dir: string) => {
        if (name === 'shrink-probe.ts') return probe;
        try { return readFileSync(join(dir, name), 'utf8'); } catch { return null; }
      },
      writeFile: (name: string, data: Uint8Array | string) => { if (typeof data !== 'string') out[name] = data; },
      listFiles: () => [],
    },
  );
  if (error) throw new Error(`asc: ${error.message}\n${stderr.toString()}`);
  return new Uint8Array(out['probe.wasm']!);
}

const instantiate = (bytes: Uint8Array<ArrayBuffer>): MathFns =>
  new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as MathFns;

/** The raw bits of a double, so that NaNs, ±0 and every last bit compare exactly. */
const bits = (x: number): bigint => new BigUint64Array(Float64Array.of(x).buffer)[0]!;

describe('the shipped module (asconfig.json\'s shrinkLevel) computes what assembly/math.ts at shrinkLevel 0 does', () => {
  it('for sin, cos, exp, log, tanh, tanhf, expf and log1pf, bit for bit', async () => {
    const shipped = instantiate(decodeInlined(WASM_TEXT, WASM_LENGTH));
    const level0 = instantiate(await compileMath(0));
    const rng = new Rng(13);
    const f32 = Math.fround;
    const inputs: Record<keyof MathFns, number[]> = { sin: [], cos: [], exp: [], log: [], tanh: [], tanhf: [], expf: [], log1pf: [] };
    const halfPi = new DataView(Float64Array.of(Math.PI / 2).buffer);
    for (let i = 0; i < 20_000; i++) {
      const sign = rng.float() < 0.5 ? -1 : 1;
      // π/4 < |x| < 3π/4, and doubles whose high word is π/2's (the 33+33+53-bit branch)
      const near = new DataView(new ArrayBuffer(8));
      near.setUint32(0, halfPi.getUint32(0, true) ^ (rng.nextU32() >>> 0), true);
      near.setUint32(4, halfPi.getUint32(4, true), true);
      const mid = sign * (Math.PI / 4 + (Math.PI / 2) * rng.float());
      const wide = sign * 10 ** (12 * rng.float() - 6);
      for (const x of [mid, sign * near.getFloat64(0, true), wide]) inputs.sin.push(x), inputs.cos.push(x);
      inputs.expf.push(f32(-104 + 193 * rng.float()));
      inputs.tanhf.push(f32(sign * 12 * rng.float()));
      inputs.log1pf.push(f32(-1 + 2 ** (20 * rng.float() - 10)));
      inputs.exp.push(sign * 709 * rng.float());
      inputs.log.push(10 ** (600 * rng.float() - 300));
      inputs.tanh.push(sign * 25 * rng.float());
    }
    for (const x of [0, -0, Infinity, -Infinity, NaN]) for (const list of Object.values(inputs)) list.push(x);
    const differing: string[] = [];
    for (const [name, xs] of Object.entries(inputs) as [keyof MathFns, number[]][]) {
      const n = xs.filter((x) => bits(shipped[name](x)) !== bits(level0[name](x))).length;
      if (n > 0) differing.push(`${name}: ${n} of ${xs.length} inputs`);
    }
    expect(differing).toEqual([]);
  }, 120_000);
});
