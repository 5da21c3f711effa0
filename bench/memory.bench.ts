/**
 * Memory (issue 7): peak RSS of a 20 000-step DDPG training run on Pendulum-v1
 * in a fresh process (bench/memory/train.mjs on dist/), next to the footprint of
 * a bare Node process and of Node with the module imported and initialised, so
 * the library's own share is visible. Peak RSS is the child's own high-water
 * mark (VmHWM on Linux, the figure `/usr/bin/time -v` prints as "Maximum
 * resident set size"; see peakRss in bench/memory/train.mjs for why not ru_maxrss).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDist, ROOT } from './dist.js';
import { section, sig, table } from './harness.js';

/** Issue 7 target. */
const TARGET_MB = 120;
/** Issue 7: "peak RSS of a 20 000-step training run". */
const STEPS = 20_000;

interface Usage { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }
interface Run {
  steps: number; maxRssBytes: number; end: Usage;
  wallS?: number; sps?: number; returns?: number[]; wasmMemoryBytes?: number; weightsHash?: string;
}

function child(args: string[]): Run {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`memory child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

const mb = (bytes: number): string => sig(bytes / 2 ** 20, 3);

export default async function run(): Promise<string> {
  ensureDist();
  const script = join(ROOT, 'bench/memory/train.mjs');
  const bare = child([script, '0', 'bare']);
  const base = child([script, '0', 'baseline']);
  const train = child([script, String(STEPS)]);
  const ret = train.returns ?? [];
  const last = ret.slice(-5).map((x) => Math.round(x)).join(', ');
  const row = (what: string, r: Run): (string | number)[] =>
    [what, mb(r.maxRssBytes), mb(r.end.heapUsed), mb(r.end.external), mb(r.end.arrayBuffers)];
  return section('Memory: peak RSS (issue 7)',
    '`npm run bench -- memory` (one training run of about a minute).',
    table(['process', 'peak RSS MiB', 'JS heap used at end MiB', 'external at end MiB', 'ArrayBuffers at end MiB'], [
      row('bare Node (the same script, importing nothing)', bare),
      row('`import` + `await init()` (dist/index.js)', base),
      row(`DDPG keras preset, Pendulum-v1, learn(${STEPS})`, train),
    ]),
    table(['target', 'measured', 'met'], [
      [`peak RSS of the ${STEPS}-step run ≤ ${TARGET_MB} MB`, `${mb(train.maxRssBytes)} MiB (${sig(train.maxRssBytes / 1e6)} MB)`, train.maxRssBytes <= TARGET_MB * 1e6 ? 'yes' : 'no'],
    ]),
    `The training run: wasm linear memory ${mb(train.wasmMemoryBytes ?? 0)} MiB (all four networks, Adam moments, ` +
      `activations and batch staging); wall ${sig(train.wallS ?? NaN)} s, ${sig(train.sps ?? NaN)} env steps/s with one update per step; ` +
      `weightsHash ${train.weightsHash ?? '?'}; last episode returns ${last}. ` +
      `The training adds ${mb(train.maxRssBytes - base.maxRssBytes)} MiB over the initialised module, ` +
      `which adds ${mb(base.maxRssBytes - bare.maxRssBytes)} MiB over bare Node.`,
  );
}
