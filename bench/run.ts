/**
 * `npm run bench [-- name …]`: builds the wasm, compiles bench/ (bench/tsconfig.json)
 * and runs this file. Prints the machine, then each selected suite's markdown
 * section, ready to paste into bench/RESULTS.md.
 *
 * To add a suite: write bench/<name>.bench.ts exporting
 * `default async function (): Promise<string>` (see bench/harness.ts) and append
 * one line to SUITES below.
 */
import { cpus, loadavg, platform, arch, release } from 'node:os';
import { initSync } from '../src/index.js';

type Suite = () => Promise<string>;
type Loader = () => Promise<{ default: Suite }>;

// Loaded lazily, so `npm run bench -- gemm` imports only the GEMM suite.
const SUITES: ReadonlyArray<readonly [string, Loader]> = [
  ['gemm', () => import('./gemm.bench.js')],
  ['env', () => import('./env.bench.js')],
  ['nn', () => import('./nn.bench.js')],
  ['ddpg', () => import('./ddpg.bench.js')],
  ['size', () => import('./size.bench.js')],
  ['latency', () => import('./latency.bench.js')],
  ['memory', () => import('./memory.bench.js')],
  ['td3sac', () => import('./td3sac.bench.js')],
  ['fast', () => import('./fast.bench.js')],
  ['sweep', () => import('./sweep.bench.js')],
  ['threads', () => import('./threads.bench.js')],
];

function machine(): string {
  const cpu = cpus();
  const load = loadavg().map((x) => x.toFixed(2)).join(' / ');
  return [
    `- CPU: ${cpu[0]?.model ?? 'unknown'} (${cpu.length} logical cores)`,
    `- OS: ${platform()} ${release()} ${arch()}`,
    `- Node ${process.version} (V8 ${process.versions.v8})`,
    `- Date: ${new Date().toISOString()}`,
    `- Load average at start (1 / 5 / 15 min): ${load}`,
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const names = SUITES.map(([n]) => n);
  const unknown = argv.filter((a) => !names.includes(a));
  if (unknown.length > 0) {
    throw new Error(`unknown bench suite(s) ${unknown.join(', ')}; available: ${names.join(', ')}`);
  }
  const selected = argv.length === 0 ? SUITES : SUITES.filter(([n]) => argv.includes(n));
  initSync();
  console.log(`# ddpg-wasm benchmarks\n\n${machine()}\n`);
  for (const [, load] of selected) {
    const run = (await load()).default;
    console.log(`${await run()}\n`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
