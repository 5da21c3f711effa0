/**
 * Latency (issue 7): `act()` at batch 1 in a warm process (tinybench, µs), and
 * cold start in a fresh process: import + wasm compile + instantiate + load +
 * first `act`, for the inference-only entry `ddpg-wasm/policy` and the main
 * entry, measured by bench/coldstart/child.mjs on dist/ (the published code).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DDPG } from '../src/agents/ddpg.js';
import { makeEnv } from '../src/envs/make.js';
import { Policy } from '../src/policy/policy.js';
import { ensureDist, ROOT } from './dist.js';
import { measure, section, sig, table } from './harness.js';

/** Issue 7 targets. */
const TARGET_ACT_US = 10;
const TARGET_COLD_MS = 15;
/** Fresh processes per case; the median is reported (a neighbour's burst lands on one or two runs). */
const COLD_RUNS = 9;

interface Cold { import: number; init: number; load: number; act: number; total: number; sinceProcessStart: number; wall: number }

const CASES = [
  ['policy-init', '`ddpg-wasm/policy`: import, `await init()`, `Policy.load`, first `act`'],
  ['policy-initSync', '`ddpg-wasm/policy`: import, `initSync()`, `Policy.load`, first `act`'],
  ['index-policy', '`ddpg-wasm`: import, `await init()`, `Policy.load`, first `act`'],
  ['index-agent', '`ddpg-wasm`: import, `await init()`, `new DDPG(Pendulum, keras)`, first `act`'],
] as const;

function spawnCold(which: string, file: string): Cold {
  const child = join(ROOT, 'bench/coldstart/child.mjs');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [child, which, file], { encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cold start ${which} failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<Cold, 'wall'>), wall };
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function warmAct(): Promise<string> {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
  const policy = Policy.load(agent.save({ kind: 'policy' }));
  const obs = new Float32Array([0.6, -0.8, 0.3]);
  const out = new Float32Array(1);
  const rows = await measure([
    { name: 'DDPG.act(obs, { out })', fn: () => { agent.act(obs, { out }); } },
    { name: 'DDPG.act(obs) (allocates the result)', fn: () => { agent.act(obs); } },
    { name: 'DDPG.act(obs, { explore: true, out }) (+ OU noise)', fn: () => { agent.act(obs, { explore: true, out }); } },
    { name: 'Policy.act(obs, out)', fn: () => { policy.act(obs, out); } },
  ], { timeMs: 500, batchMs: 2 });
  return table(['call (batch 1, Pendulum actor 3→256→256→1)', 'median µs', 'rme', `≤ ${TARGET_ACT_US} µs`],
    rows.map((r) => [r.name, sig(r.medianUs), `±${sig(r.rme, 2)}%`, r.medianUs <= TARGET_ACT_US ? 'yes' : 'no']));
}

function coldStart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-wasm-cold-'));
  try {
    const file = join(dir, 'pendulum.policy');
    const saved = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 }).save({ kind: 'policy' });
    const bytes = saved.length;
    writeFileSync(file, saved);
    spawnCold('policy-init', file); // warms the OS file cache, not the process
    const runs = new Map<string, Cold[]>(CASES.map(([c]) => [c, []]));
    const bare: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const [c] of CASES) runs.get(c)!.push(spawnCold(c, file));
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      bare.push(performance.now() - t0);
    }
    const med = (c: string, f: (r: Cold) => number): number => medianOf(runs.get(c)!.map(f));
    const noLoad = (r: Cold): number => r.total - r.load;
    return [
      table(['case', 'import ms', 'init ms', 'load / new ms', 'first act ms', 'total ms', `import + init + act ms (≤ ${TARGET_COLD_MS})`, 'process wall ms'],
        CASES.map(([c, label]) => [label, sig(med(c, (r) => r.import)), sig(med(c, (r) => r.init)), sig(med(c, (r) => r.load)),
          sig(med(c, (r) => r.act)), sig(med(c, (r) => r.total)),
          `${sig(med(c, noLoad))} ${med(c, noLoad) <= TARGET_COLD_MS ? '(met)' : '(missed)'}`, sig(med(c, (r) => r.wall))])),
      `Median of ${COLD_RUNS} fresh \`node\` processes per case (cases interleaved); each column is its own median, so ` +
        `the parts need not add up. "Total" runs from just before the dynamic import to the first action returned; the ` +
        `issue's cold start (import + wasm compile + instantiate + first act) is that minus the load column (per run, ` +
        `then the median). The policy checkpoint is the keras actor, ${sig(bytes / 1024)} KB, read from disk before the clock starts. ` +
        `"Process wall" is spawn to exit, including Node's own start-up: a bare \`node -e 0\` takes ${sig(medianOf(bare))} ms here.`,
    ].join('\n\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** save()/load() of a full checkpoint (what an edge function pays per request when it resumes training). */
async function checkpoints(): Promise<string> {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
  await agent.learn(1000);
  const full = agent.save();
  const policy = agent.save({ kind: 'policy' });
  const rows = await measure([
    { name: `DDPG save(), full (${sig(full.length / 1024 / 1024)} MiB)`, fn: () => { agent.save(); } },
    { name: 'DDPG.load(full)', fn: () => { DDPG.load(full); } },
    { name: `DDPG save({ kind: 'policy' }) (${sig(policy.length / 1024)} KiB)`, fn: () => { agent.save({ kind: 'policy' }); } },
    { name: 'Policy.load(policy)', fn: () => { Policy.load(policy); } },
  ], { timeMs: 1500, batchMs: 20 });
  return table(['call (keras preset, after 1 000 steps)', 'median ms', 'rme'],
    rows.map((r) => [r.name, sig(r.medianUs / 1000), `±${sig(r.rme, 2)}%`]));
}

export default async function run(): Promise<string> {
  ensureDist();
  const warm = await warmAct();
  const saveLoad = await checkpoints();
  const cold = coldStart();
  return section('Latency: act() and cold start (issue 7)',
    '`npm run bench -- latency`.',
    '### act() at batch 1, warm (tinybench, median per call)',
    warm,
    '### Cold start in a fresh process (dist/, Node, no compile cache)',
    cold,
    '### Checkpoints: save() and load() (tinybench, warm)',
    saveLoad);
}
