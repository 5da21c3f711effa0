#!/usr/bin/env node
/**
 * `npm run test:newcomer` (issue 16, "Done when"): what a new user does first,
 * in the checkout it runs in, asserting what the README promises. .ci/run calls
 * it in its fresh clone (no ../shared beside it) after `npm ci` and `npm test`
 * (the README's install and test commands, which build dist/). Steps:
 *
 *   0. `npm run build` prints nothing of its own when it succeeds;
 *   1. `train --help` for each algorithm lists that algorithm's presets;
 *   2. the README's main command, `npm start`, as a 2 000-step run
 *      (`npm start -- --steps 2000 --out DIR`): every file docs/USAGE.md lists,
 *      summary.json's keys, and the closing lines (eval commands, curve path);
 *   3. those `eval` commands, of the best and of the last policy;
 *   4. the worker example as its README says: `npm ci --prefix examples/worker`,
 *      `make-policy.mjs 2000`, `dev.mjs`, then POST /act and a chain of two
 *      POST /train calls, which must end at the weights of learn(400) in Node.
 *
 * Writes only under runs/ and examples/worker/ (both git-ignored); a few minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const t0 = Date.now();
const say = (msg) => console.log(`[newcomer ${Math.round((Date.now() - t0) / 1000)} s] ${msg}`);
function check(ok, what, detail = '') {
  if (!ok) {
    console.error(`[newcomer] FAILED: ${what}${detail === '' ? '' : `\n${detail}`}`);
    process.exit(1);
  }
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
  check(r.status === 0, `${cmd} ${args.join(' ')} exits 0 (got ${r.status})`, `${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

if (process.env.NEWCOMER_CLEAN === '1') check(!existsSync(join(ROOT, '..', 'shared')), 'the clone has no ../shared beside it');
check(existsSync(CLI), 'dist/ is built (npm ci && npm run build, or npm test, first)');

// 0. The README's build is quiet when all is well (issue 16, item 7): nothing but npm's own lines.
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
check(build.status === 0 && build.stdout.trim() === '' && build.stderr.trim() === '', 'npm run build prints nothing when it succeeds', `${build.stdout}\n${build.stderr}`);
say('npm run build: quiet');

// 1. train --help per algorithm: its presets, and nothing about the others'.
const PRESETS = { ddpg: ['keras', 'paper'], td3: ['rltools', 'paper', 'zoo'], sac: ['rltools', 'paper', 'zoo'] };
for (const [algo, presets] of Object.entries(PRESETS)) {
  const help = run(process.execPath, [CLI, 'train', '--algo', algo, '--help']);
  for (const p of presets) check(help.includes(p), `train --algo ${algo} --help names the preset ${p}`, help);
  check(help.includes('ddpg-wasm config'), `train --algo ${algo} --help points at ddpg-wasm config`, help);
}
say('train --help lists each algorithm\'s presets');

// 2. npm start, as a 2 000-step run (evaluations every 2 000 steps by default: one, at the end).
mkdirSync(join(ROOT, 'runs'), { recursive: true });
const dir = join(mkdtempSync(join(ROOT, 'runs', 'newcomer-')), 'run');
try {
  const out = run('npm', ['start', '--silent', '--', '--steps', '2000', '--out', dir]);
  for (const f of ['metrics.jsonl', 'progress.csv', 'summary.json', 'checkpoint.ddpg', 'policy.ddpg', 'best-policy.ddpg', 'curve.svg', 'run.json']) {
    check(existsSync(join(dir, f)), `the run wrote ${f}`, out);
    check(out.includes(f), `the closing file list names ${f}`, out);
  }
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const keys = 'version, algo, env, preset, seed, steps, episodes, wallSeconds, envStepsPerSecond, updatesPerSecond, trainReturnLast10, eval, weightsHash';
  check(Object.keys(summary).join(', ') === keys, 'summary.json has the documented keys (docs/USAGE.md)', JSON.stringify(summary));
  check(summary.steps === 2000 && Object.keys(summary.eval).join() === 'mean,std,episodes', 'summary.json: 2 000 steps and eval { mean, std, episodes }');
  const csvHead = readFileSync(join(dir, 'progress.csv'), 'utf8').split('\n')[0];
  for (const k of ['time/total_timesteps', 'rollout/ep_rew_mean', 'eval/mean_reward', 'train/actor_loss']) check(csvHead.split(',').includes(k), `progress.csv has ${k}`, csvHead);
  const lines = out.trimEnd().split('\n');
  const next = lines.find((l) => l.startsWith('Next: ddpg-wasm eval --checkpoint '));
  const best = lines.find((l) => /^Best \(evaluation -?[\d.]+\): ddpg-wasm eval --checkpoint /.test(l));
  check(next === `Next: ddpg-wasm eval --checkpoint ${join(dir, 'policy.ddpg')}`, 'the run ends with the eval command of policy.ddpg', out);
  check(best?.endsWith(join(dir, 'best-policy.ddpg')) === true, 'the run ends with the eval command of best-policy.ddpg', out);
  check(lines.at(-1) === `Curve: ${join(dir, 'curve.svg')}`, 'the last line is the curve\'s path', out);
  say(`npm start -- --steps 2000: every file, summary keys and closing lines (weightsHash ${summary.weightsHash})`);

  // 3. The printed eval commands, run as printed (ddpg-wasm = node dist/cli/main.js here).
  for (const line of [next, best]) {
    const args = line.slice(line.indexOf('ddpg-wasm eval') + 'ddpg-wasm '.length).split(' ');
    const ev = run(process.execPath, [CLI, ...args, '--episodes', '3']);
    check(/mean return -?\d+(\.\d+)?, std \d+(\.\d+)?/.test(ev), `${args.join(' ')} prints a mean return`, ev);
  }
  say('eval of policy.ddpg and best-policy.ddpg');
} finally {
  rmSync(join(dir, '..'), { recursive: true, force: true });
}

// 4. The worker example, as its README says.
const W = join(ROOT, 'examples', 'worker');
run('npm', ['ci', '--prefix', W, '--no-audit', '--no-fund', '--loglevel=error']);
run(process.execPath, [join(W, 'make-policy.mjs'), '2000']); // the README's make-policy.mjs, shortened by its steps argument
const dev = spawn(process.execPath, [join(W, 'dev.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
let devOut = '';
dev.stdout.setEncoding('utf8').on('data', (s) => { devOut += s; });
dev.stderr.setEncoding('utf8').on('data', (s) => { devOut += s; });
try {
  let url = null;
  for (const end = Date.now() + 60_000; url === null && Date.now() < end && dev.exitCode === null;) {
    url = /serving examples\/worker\/worker\.mjs at (http:\/\/\S+)/.exec(devOut)?.[1] ?? null;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(url !== null, 'dev.mjs prints the URL it serves', devOut);
  const act = await fetch(`${url}/act`, { method: 'POST', body: JSON.stringify({ obs: [1, 0, 0] }) });
  const { action } = await act.json();
  check(act.status === 200 && Array.isArray(action) && action.length === 1 && Math.abs(action[0]) <= 2, 'POST /act answers { action: [torque in [−2, 2]] }', JSON.stringify(action));
  let ckpt = new Uint8Array(0), hash = '';
  for (const k of [1, 2]) {
    const res = await fetch(`${url}/train?steps=200`, { method: 'POST', body: ckpt });
    check(res.status === 200, `POST /train call ${k} answers 200 (got ${res.status})`, await res.clone().text().catch(() => ''));
    check(res.headers.get('x-ddpg-steps') === String(200 * k) && res.headers.get('x-ddpg-remaining') === '0', `POST /train call ${k} trained to step ${200 * k}`,
      JSON.stringify(Object.fromEntries(res.headers)));
    ckpt = new Uint8Array(await res.arrayBuffer());
    hash = res.headers.get('x-ddpg-weights-hash') ?? '';
  }
  // The README's promise: the chain ends at the weights of one uninterrupted learn() (keras preset, seed 7) in Node.
  const lib = await import(join(ROOT, 'dist', 'index.js'));
  await lib.init();
  const agent = new lib.DDPG(lib.makeEnv('Pendulum-v1'), { preset: 'keras', seed: 7 });
  await agent.learn(400);
  check(hash === agent.weightsHash(), `two POST /train calls end at the weights of learn(400) in Node (${hash} vs ${agent.weightsHash()})`);
  say(`worker example: /act, and /train twice to step 400 (weights ${hash})`);
} finally {
  dev.kill('SIGTERM');
}
say('done');
