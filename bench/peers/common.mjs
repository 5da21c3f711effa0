/**
 * Helpers shared by the peer benchmarks: loading TF.js with a chosen backend,
 * ddpg-wasm from the repo's dist/ (what `npm run build` produces, i.e. the
 * package as published), statistics and markdown.
 */
import { cpus, loadavg, platform, arch, release } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const distIndex = `${root}dist/index.js`;

/** ddpg-wasm from dist/, initialised. Throws when dist/ is missing or its wasm differs from build/kernels.wasm. */
export async function loadOurs() {
  if (!existsSync(distIndex)) throw new Error('dist/index.js is missing: run `npm run build` at the repo root first');
  const built = `${root}build/kernels.wasm`, shipped = `${root}dist/kernels.wasm`;
  if (existsSync(built) && !readFileSync(built).equals(readFileSync(shipped))) {
    throw new Error('dist/kernels.wasm differs from build/kernels.wasm (stale dist/): run `npm run build` at the repo root first');
  }
  const m = await import(distIndex);
  m.initSync();
  return m;
}

/**
 * TF.js with the wasm backend (SIMD build, one thread: TF.js never enables wasm
 * threads under Node, and setThreadsCount(1) makes that explicit) and the cpu
 * backend. Silences TF.js's "install tfjs-node" banner, which goes to stdout.
 */
export async function loadTfjs() {
  const log = console.log, warn = console.warn;
  console.log = () => {};
  console.warn = () => {};
  try {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    tf.enableProdMode(); // skips NaN checks and other debug-mode work, as a production user would
    await tf.setBackend('wasm');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = wasm.getThreadsCount();
    await tf.setBackend('cpu');
    await tf.ready();
    return { tf, wasmInfo: { simd, threads }, version: tf.version.tfjs };
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** Fills `buffer` with `n` Pendulum-v1 transitions under uniform random actions (seeded). */
export function fillBuffer(ours, buffer, n, seed = 7) {
  const env = ours.makeEnv('Pendulum-v1');
  const rng = new ours.Rng(seed, 'bench-fill');
  const action = new Float32Array(1);
  let obs = env.reset(seed);
  for (let i = 0; i < n; i++) {
    action[0] = rng.uniform(-2, 2);
    const res = env.step(action);
    buffer.add(obs, action, res.reward, res.obs, res.terminated);
    obs = res.terminated || res.truncated ? env.reset() : res.obs;
  }
}

/** Staging arrays for a sampled batch (ReplayBatch shape). */
export function batchArrays(n, obsDim = 3, actDim = 1) {
  return {
    obs: new Float32Array(n * obsDim), action: new Float32Array(n * actDim), reward: new Float32Array(n),
    nextObs: new Float32Array(n * obsDim), done: new Float32Array(n),
  };
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q, lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}
export const median = (xs) => quantile(xs, 0.5);

/** Rounds to `digits` significant digits (integers ≥ 10^digits stay whole). */
export function sig(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toString();
  return Number(x.toPrecision(digits)).toString();
}

export function table(headers, rows) {
  const line = (cells) => `| ${cells.map(String).join(' | ')} |`;
  const numeric = (c) => typeof c === 'number' || /^[±~≈<>≤≥]?\s?[+−-]?\d[\d.,]*(e[+-]?\d+)?\s*[%×a-zµ/]*$/i.test(String(c));
  const align = headers.map((_, i) => (rows.length > 0 && rows.every((r) => numeric(r[i])) ? '---:' : '---'));
  return [line(headers), line(align), ...rows.map(line)].join('\n');
}

export function machine() {
  const cpu = cpus();
  return [
    `- CPU: ${cpu[0]?.model ?? 'unknown'} (${cpu.length} logical cores)`,
    `- OS: ${platform()} ${release()} ${arch()}`,
    `- Node ${process.version} (V8 ${process.versions.v8})`,
    `- Date: ${new Date().toISOString()}`,
    `- Load average at start (1 / 5 / 15 min): ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
  ].join('\n');
}
