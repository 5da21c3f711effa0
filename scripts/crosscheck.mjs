#!/usr/bin/env node
/**
 * `npm run crosscheck`: the same seeded DDPG run (scripts/cross/check.mjs:
 * Pendulum-v1, keras preset, seed 7, 2 000 steps) in every JavaScript runtime
 * this machine has: Node, Deno, Bun
 * (JavaScriptCore), Cloudflare's workerd, headless Chromium and Firefox ESR (SpiderMonkey), and
 * Node, Deno, Bun and Chromium again with initThreads(2) (issue 17: node-threads, …,
 * chromium-threads; a run that falls back to one thread fails). Prints one line per runtime,
 * `<runtime> <version> <weightsHash>`, and exits non-zero if any two runs differ
 * (DDPG weights hash, full-checkpoint hash, the 20 evaluation actions, and the
 * TD3 and SAC weights hashes, bit for bit),
 * if a runtime that is present fails, or if fewer than four runtimes ran.
 *
 * Installs what is missing (CI machines reach npm and Debian only): deno, bun,
 * workerd and playwright-core with `npm install` in scripts/cross/ (kept out of the
 * package's devDependencies: ≈ 370 MB of binaries), Chromium and Firefox ESR
 * with apt-get when running as root. Builds dist/ first.
 *
 *   node scripts/crosscheck.mjs [--no-install] [--no-build] [--only=node,deno,…] [--skip=firefox,…] [--verbose]
 *   node scripts/crosscheck.mjs --install-only   (what `npm run test:cross` needs, then exit)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVAL_RESET_SEED } from './cross/check.mjs';
import { compareResults } from './cross/compare.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CROSS = join(ROOT, 'scripts/cross');
const BIN = join(CROSS, 'node_modules/.bin');
const RUNTIMES = ['node', 'node-threads', 'deno', 'deno-threads', 'bun', 'bun-threads', 'workerd', 'chromium', 'chromium-threads', 'firefox'];
/** Threads of the *-threads runtimes: initThreads(THREADS) must give the bits of one thread. */
const THREADS = 2;
/** Per-runtime limit. 2 000 steps take ≈ 7 s in Node and ≈ 18 s in Bun or workerd here. */
const RUN_TIMEOUT_MS = 5 * 60_000;

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const list = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',') ?? null;
const only = list('only');
const skip = list('skip') ?? [];
const wanted = RUNTIMES.filter((r) => (only === null || only.includes(r)) && !skip.includes(r));
/** The engines behind the wanted runtimes (chromium-threads needs chromium, …). */
const engines = new Set(wanted.map((r) => r.replace(/-threads$/, '')));
const log = (...m) => console.error('[crosscheck]', ...m);

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal})`);
}

function timed(label, fn) {
  const t = Date.now();
  const r = fn();
  log(`${label}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

function install() {
  const needNpm = ['deno', 'bun', 'workerd', 'chromium'].some((r) => engines.has(r));
  // Exact versions are pinned in scripts/cross/package.json and the packages have no
  // dependencies but their platform binaries, so no lock file: a complete one cannot be
  // written where the registry serves only this platform's optional packages (npm ci refuses it).
  if (needNpm && !['deno', 'bun', 'workerd', 'playwright-core'].every((p) => existsSync(join(CROSS, 'node_modules', p, 'package.json')))) {
    timed('npm install (scripts/cross: deno, bun, workerd, playwright-core, typescript 7)', () =>
      sh('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: CROSS }));
  }
  const apt = [];
  if (engines.has('chromium') && !existsSync('/usr/bin/chromium')) apt.push('chromium');
  if (engines.has('firefox') && !existsSync('/usr/bin/firefox-esr') && !existsSync('/usr/bin/firefox')) apt.push('firefox-esr');
  if (apt.length === 0) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    log(`not root or no apt-get: cannot install ${apt.join(', ')}; those runtimes will be skipped`);
    return;
  }
  try {
    timed(`apt-get install ${apt.join(' ')}`, () => {
      sh('apt-get', ['update', '-qq']);
      sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...apt], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    });
  } catch (e) {
    // A browser that cannot be installed is skipped like an absent one; the
    // "at least four runtimes" rule still guards the result.
    log(`apt-get failed (${e.message}); ${apt.join(', ')} will be skipped`);
  }
}

/** Runs a CLI runtime on scripts/cross/entry-cli.mjs (then `entryArgs`); returns the parsed JSON line. */
function runCli(cmd, argv, entryArgs = []) {
  const out = execFileSync(cmd, [...argv, join(CROSS, 'entry-cli.mjs'), ...entryArgs], { cwd: ROOT, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.trim().split('\n').pop();
  return JSON.parse(line);
}

const which = (name) => {
  const local = join(BIN, name);
  if (existsSync(local)) return local;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

const withTimeout = (p, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what} timed out`)), RUN_TIMEOUT_MS).unref())]);

/**
 * Serves the repo root; resolves with the first POSTed result of the page. With
 * threads > 1 the server sends COOP/COEP (a cross-origin-isolated page, where
 * SharedArrayBuffer exists) and the page runs the check after initThreads(threads);
 * otherwise it is a plain page, as most are.
 */
async function browserRun(open, threads = 1) {
  const { serve } = await import('../examples/serve.mjs');
  let deliver;
  const posted = new Promise((r) => (deliver = r));
  const server = await serve({ isolate: threads > 1, onPost: (path, body) => path === '/crosscheck-result' && deliver(JSON.parse(body)) });
  const close = await open(`${server.url}/scripts/cross/page.html${threads > 1 ? `?threads=${threads}` : ''}`);
  try {
    const r = await withTimeout(posted, 'browser run');
    if (r.error) throw new Error(r.error);
    return r;
  } finally {
    await close();
    await server.close();
  }
}

/** The check in headless Chromium, on a plain page (threads 1) or a cross-origin-isolated one with initThreads(threads). */
async function chromiumRun(threads) {
  const b = await import('./cross/browsers.mjs');
  if (!b.chromiumPath() || !b.playwrightChromium()) return null;
  let version = '';
  const r = await browserRun(async (url) => {
    const browser = await b.launchChromium();
    version = browser.version();
    const page = await browser.newPage();
    await page.goto(url);
    return () => browser.close();
  }, threads);
  return { ...r, runtime: 'chromium', version };
}

const runners = {
  node: async () => runCli(process.execPath, []),
  'node-threads': async () => runCli(process.execPath, [], [`--threads=${THREADS}`]),
  deno: async () => {
    const deno = which('deno');
    return deno && runCli(deno, ['run', '--quiet', '--no-prompt']); // no permissions: the wasm is inlined
  },
  // The helpers are Web Workers (from a Blob URL); reading kernels-threads.wasm is the one permission.
  'deno-threads': async () => {
    const deno = which('deno');
    return deno && runCli(deno, ['run', '--quiet', '--no-prompt', `--allow-read=${join(ROOT, 'dist/kernels-threads.wasm')}`], [`--threads=${THREADS}`]);
  },
  bun: async () => {
    const bun = which('bun');
    return bun && runCli(bun, ['run']);
  },
  'bun-threads': async () => {
    const bun = which('bun');
    return bun && runCli(bun, ['run'], [`--threads=${THREADS}`]);
  },
  workerd: async () => {
    const { startWorkerd, WORKERD_BIN } = await import('../examples/worker/workerd-config.mjs');
    if (!existsSync(WORKERD_BIN)) return null;
    const version = execFileSync(WORKERD_BIN, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
    const w = await startWorkerd(join(CROSS, 'entry-workerd.mjs'), [{ name: 'check.mjs', path: join(CROSS, 'check.mjs'), type: 'esModule' }]);
    try {
      const res = await fetch(`${w.url}/run`, { signal: AbortSignal.timeout(RUN_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`workerd answered ${res.status}: ${await res.text()}\n${w.output()}`);
      return { ...(await res.json()), version };
    } finally {
      await w.stop();
    }
  },
  chromium: async () => chromiumRun(1),
  'chromium-threads': async () => chromiumRun(THREADS),
  firefox: async () => {
    const b = await import('./cross/browsers.mjs');
    const bin = b.firefoxPath();
    if (!bin) return null;
    const version = b.firefoxVersion(bin);
    const r = await browserRun(async (url) => b.openInFirefox(bin, url).stop);
    return { ...r, runtime: 'firefox', version };
  },
};

async function main() {
  const t0 = Date.now();
  if (!flag('no-install')) install();
  if (flag('install-only')) return;
  if (!flag('no-build')) timed('npm run build', () => sh('npm', ['run', '--silent', 'build']));
  const results = [];
  let failed = false;
  for (const name of wanted) {
    const t = Date.now();
    try {
      const r = await runners[name]();
      if (r === null || r === undefined) {
        log(`${name}: not available, skipped`);
        continue;
      }
      // A threaded run that fell back to one thread proves nothing: fail it (the entries also refuse it).
      const threads = name.endsWith('-threads') ? THREADS : 1;
      if ((r.threads ?? 1) !== threads) throw new Error(`ran on ${r.threads ?? 1} thread(s), not ${threads}`);
      results.push({ ...r, runtime: name, seconds: (Date.now() - t) / 1000 });
      console.log(`${name} ${r.version} ${r.weightsHash}`);
    } catch (e) {
      failed = true;
      console.log(`${name} ? FAILED`);
      log(`${name} failed:`, e instanceof Error ? e.message : e);
    }
  }
  for (const r of results) {
    log(`${r.runtime}: ${r.seconds.toFixed(1)} s (DDPG training ${(r.trainMs / 1000).toFixed(1)} s), checkpoint ${r.checkpointHash}, td3 ${r.td3Hash}, sac ${r.sacHash}`);
  }
  const { ok, problems } = compareResults(results);
  for (const p of problems) log(p);
  if (!ok) failed = true;
  const ref = results[0];
  if (ref && (flag('verbose') || failed)) {
    log(`${ref.runtime} eval actions (reset seed ${EVAL_RESET_SEED}): ${ref.actions.join(' ')}`);
    log(`${ref.runtime} eval action bits: ${ref.actionBits.join(' ')}`);
  }
  log(`${failed ? 'FAILED' : 'all identical'}: ${results.length} runtimes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exitCode = failed ? 1 : 0;
}

await main();
