/**
 * Size of what users download (issue 7): the npm tarball (`npm pack --dry-run`,
 * whose `size` is the gzipped .tgz), and the inference-only entry
 * `ddpg-wasm/policy` as a bundler would ship it: the files dist/policy.js pulls
 * in (itself and the dist/chunks/ files scripts/bundle.mjs made), raw and gzip
 * (node:zlib, level 9), and, when rolldown is installed (it comes with vitest's
 * vite), one minified bundle of them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureDist, importGraph, rel, ROOT } from './dist.js';
import { section, sig, table } from './harness.js';

/** Issue 7 targets. */
const TARGET_POLICY_GZ_KB = 30;
const TARGET_PACKAGE_GZ_KB = 100;

const kb = (bytes: number): string => sig(bytes / 1024, 3);
const gz = (b: Uint8Array | string): number => gzipSync(b, { level: 9 }).length;

interface PackFile { readonly path: string; readonly size: number }
interface Pack { readonly size: number; readonly unpackedSize: number; readonly entryCount: number; readonly files: readonly PackFile[] }

function npmPack(): Pack {
  // --ignore-scripts: dist/ is already built; `prepare` would rebuild it inside the measurement.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as Pack[];
  const p = parsed[0];
  if (p === undefined) throw new Error('npm pack printed no package');
  return p;
}

/** Minified single-file bundle size via rolldown, or null when it is not installed. */
async function minified(entry: string): Promise<{ raw: number; gzip: number; lazyRaw: number } | null> {
  const name = 'rolldown'; // a variable specifier: rolldown is optional (vite's dependency, not ours)
  type Chunk = { code?: string; isDynamicEntry?: boolean };
  let mod: { rolldown: (o: object) => Promise<{ generate: (o: object) => Promise<{ output: Chunk[] }>; close: () => Promise<void> }> };
  try {
    mod = (await import(name)) as typeof mod;
  } catch {
    return null;
  }
  // The workerd entries import ./kernels.wasm; it stays a separate file (counted on its own).
  const bundle = await mod.rolldown({ input: entry, external: [/\.wasm$/], logLevel: 'silent' });
  const { output } = await bundle.generate({ format: 'esm', minify: true });
  await bundle.close();
  // Chunks loaded by a dynamic import() (e.g. an opt-in module) are fetched only when used: counted apart.
  const code = output.filter((c) => !c.isDynamicEntry).map((c) => c.code ?? '').join('\n');
  const lazyRaw = output.filter((c) => c.isDynamicEntry).reduce((n, c) => n + Buffer.byteLength(c.code ?? ''), 0);
  return { raw: Buffer.byteLength(code), gzip: gz(code), lazyRaw };
}

interface EntrySize { name: string; files: string[]; raw: number; gzSum: number; gzConcat: number; min: { raw: number; gzip: number; lazyRaw: number } | null }

async function entrySize(name: string, entry: string): Promise<EntrySize> {
  const files = importGraph(entry);
  const bufs = files.map((f) => readFileSync(f));
  const e: EntrySize = {
    name, files,
    raw: bufs.reduce((n, b) => n + b.length, 0),
    gzSum: bufs.reduce((n, b) => n + gz(b), 0),
    gzConcat: gz(Buffer.concat(bufs)),
    min: await minified(entry),
  };
  const wasm = files.find((f) => f.endsWith('.wasm'));
  if (wasm !== undefined && e.min !== null) {
    const w = readFileSync(wasm);
    e.min = { ...e.min, raw: e.min.raw + w.length, gzip: e.min.gzip + gz(w) };
  }
  return e;
}

export default async function run(): Promise<string> {
  const note = ensureDist();
  const pack = npmPack();
  const entries: EntrySize[] = [];
  const candidates: [string, string][] = [
    ['ddpg-wasm/policy (default)', 'dist/policy.js'],
    ['ddpg-wasm/policy (workerd: JS + kernels.wasm file)', 'dist/policy-workerd.js'],
    ['ddpg-wasm (default)', 'dist/index.js'],
  ];
  for (const [n, f] of candidates) if (existsSync(join(ROOT, f))) entries.push(await entrySize(n, join(ROOT, f)));

  const wasm = readFileSync(join(ROOT, 'dist/kernels.wasm'));
  const b64 = readFileSync(join(ROOT, 'dist/chunks/wasm-bytes.js'));
  const policy = entries[0];
  if (policy === undefined) throw new Error('dist/policy.js is missing');
  const policyGz = policy.min?.gzip ?? policy.gzConcat;

  // Where the tarball's bytes go: per file gzip, grouped.
  const groups = new Map<string, { raw: number; gz: number; n: number }>();
  for (const f of pack.files) {
    const g = /wasm(-fast)?-bytes\.d\.ts$/.test(f.path) ? "dist/kernels/wasm*-bytes.d.ts (the inlined string as a literal type)" :
      f.path.endsWith('.d.ts') ? 'other type declarations (*.d.ts)' :
      f.path.endsWith('.wasm') ? 'dist/*.wasm' :
      /wasm(-fast)?-bytes\.js$/.test(f.path) ? 'dist/chunks/wasm-bytes.js (the inlined wasm, one char per byte)' :
      f.path.startsWith('dist/cli/') ? 'dist/cli/main.js (the CLI)' :
      f.path.startsWith('dist/chunks/') ? 'dist/chunks/{core,library}.js' :
      f.path.endsWith('.js') ? 'dist/*.js (the four entries)' : f.path;
    const e = groups.get(g) ?? { raw: 0, gz: 0, n: 0 };
    e.raw += f.size;
    e.gz += gz(readFileSync(join(ROOT, f.path)));
    e.n++;
    groups.set(g, e);
  }

  return section('Size (issue 7)',
    '`npm run bench -- size`: `npm pack --dry-run --json` (tarball = the gzipped .tgz npm uploads) and the ' +
      'entries as a bundler sees them: every file reached by relative static imports; gzip is node:zlib level 9; ' +
      '"minified" is one rolldown bundle with its minifier. KB in the tables = 1024 bytes; "met" checks the ' +
      'stricter 1000-byte KB.' + (note ? `\n\n_${note}_` : ''),
    table(['what', 'raw KB', 'gzip KB', 'target', 'met'], [
      ['npm tarball (.tgz)', `${kb(pack.unpackedSize)} unpacked, ${pack.entryCount} files`, kb(pack.size), `≤ ${TARGET_PACKAGE_GZ_KB} KB gzip`, pack.size <= TARGET_PACKAGE_GZ_KB * 1000 ? 'yes' : 'no'],
      [`${policy.name}, minified bundle`, policy.min ? kb(policy.min.raw) : 'n/a', policy.min ? kb(policy.min.gzip) : 'n/a', `≤ ${TARGET_POLICY_GZ_KB} KB gzip`, policyGz <= TARGET_POLICY_GZ_KB * 1000 ? 'yes' : 'no'],
    ]),
    table(['entry', 'files', 'raw KB', 'gzip KB (one file, concatenated)', 'gzip KB (sum per file)', 'minified KB', 'minified gzip KB', 'lazy chunks, minified KB'],
      entries.map((e) => [e.name, e.files.length, kb(e.raw), kb(e.gzConcat), kb(e.gzSum), e.min ? kb(e.min.raw) : 'n/a', e.min ? kb(e.min.gzip) : 'n/a',
        e.min ? kb(e.min.lazyRaw) : 'n/a'])),
    table(['part of the tarball', 'files', 'raw KB', 'gzip KB (per file)'],
      [...groups].sort((a, b) => b[1].gz - a[1].gz).map(([g, e]) => [g, e.n, kb(e.raw), kb(e.gz)])),
    `The kernels: dist/kernels.wasm ${kb(wasm.length)} KB raw, ${kb(gz(wasm))} KB gzip; inlined (one char per byte) in ` +
      `dist/chunks/wasm-bytes.js ${kb(b64.length)} KB raw, ${kb(gz(b64))} KB gzip. ` +
      `Files of ${policy.name}: ${policy.files.map(rel).join(', ')}.`,
  );
}
