/**
 * Runs a Worker that imports 'ddpg-wasm' in a local workerd (Node-only dev tool,
 * used by examples/worker/dev.mjs, test/cross/ and scripts/crosscheck.mjs).
 *
 * workerd does no npm resolution and no bundling: every module is listed by
 * name in a Cap'n Proto config. This writes one that lays the package's dist/
 * out as `node_modules/ddpg-wasm/dist/…` and adds the two names a Worker
 * imports, 'ddpg-wasm' and 'ddpg-wasm/policy', as re-exports of the `workerd`
 * condition's entries (dist/workerd.js, dist/policy-workerd.js), so the Worker
 * source is exactly what `wrangler deploy` would bundle. dist/kernels.wasm goes
 * in as a `wasm` module, which workerd hands over as a compiled
 * WebAssembly.Module (it refuses to compile wasm from bytes). The inlined copy
 * of the module (chunks/wasm-bytes.js) and the CLI are left out on purpose: if
 * the edge entry reached them, workerd would fail to load the config.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(ROOT, 'dist');
/**
 * The workerd binary (npm package `workerd`): $WORKERD_BIN if set, else the example's
 * own install (`npm install --prefix examples/worker`), else the one scripts/cross
 * installs for the cross-engine check. A path that does not exist means "not installed".
 */
export const WORKERD_BIN = process.env.WORKERD_BIN ??
  [join(ROOT, 'examples/worker/node_modules/.bin/workerd'), join(ROOT, 'scripts/cross/node_modules/.bin/workerd')].find((p) => existsSync(p)) ??
  join(ROOT, 'examples/worker/node_modules/.bin/workerd');
/** The one command that installs workerd for the example (and nothing else of the cross-engine tools). */
export const INSTALL_WORKERD = 'npm install --prefix examples/worker --no-audit --no-fund';
/** A date this workerd build supports (the newest it accepts is its release date). */
const COMPATIBILITY_DATE = '2025-01-01';

function distModules() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'cli') walk(p);
      } else if ((e.name.endsWith('.js') && !/^wasm(-fast)?-bytes\.js$/.test(e.name)) || e.name === 'kernels.wasm') {
        out.push(p);
      }
    }
  };
  walk(DIST);
  return out.sort();
}

const str = (s) => JSON.stringify(s);

/**
 * Writes `config.capnp` into a fresh temp dir and returns its path.
 * @param {{ main: string, port: number, modules?: { name: string, path: string, type: 'esModule' | 'data' | 'wasm' | 'text' }[] }} o
 *   main: path of the Worker's ES module; modules: extra modules (e.g. an embedded policy as `data`).
 */
export function writeWorkerdConfig(o) {
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-workerd-'));
  const rel = (p) => relative(dir, p).split(sep).join('/');
  const mods = [`(name = "worker.mjs", esModule = embed ${str(rel(resolve(o.main)))})`];
  for (const m of o.modules ?? []) mods.push(`(name = ${str(m.name)}, ${m.type} = embed ${str(rel(resolve(m.path)))})`);
  for (const p of distModules()) {
    const name = 'node_modules/ddpg-wasm/dist/' + relative(DIST, p).split(sep).join('/');
    mods.push(`(name = ${str(name)}, ${p.endsWith('.wasm') ? 'wasm' : 'esModule'} = embed ${str(rel(p))})`);
  }
  mods.push(`(name = "ddpg-wasm", esModule = ${str("export * from 'node_modules/ddpg-wasm/dist/workerd.js';")})`);
  mods.push(`(name = "ddpg-wasm/policy", esModule = ${str("export * from 'node_modules/ddpg-wasm/dist/policy-workerd.js';")})`);
  const text = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${o.port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    ${mods.join(',\n    ')}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
  const path = join(dir, 'config.capnp');
  writeFileSync(path, text);
  return path;
}

/** A free loopback port (asks the OS for one, then releases it). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Starts workerd serving the Worker at `main` on a free loopback port; resolves
 * once it answers HTTP. Returns { url, pid, stop(), output() }.
 */
export async function startWorkerd(main, modules = []) {
  const port = await freePort();
  const config = writeWorkerdConfig({ main, port, modules });
  const child = spawn(WORKERD_BIN, ['serve', config, '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${log}`);
    try {
      await fetch(url + '/__ping', { signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`workerd did not answer on ${url} within 30 s:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, pid: child.pid, stop, output: () => log };
}
