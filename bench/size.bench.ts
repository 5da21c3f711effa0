/**
 * Size of what users download (issues 7 and 13): the npm tarball (`npm pack
 * --dry-run`, whose `size` is the gzipped .tgz), and each entry as it ships: the
 * files it pulls in (itself and the dist/chunks/ files rolldown made, already
 * minified), raw and gzip (node:zlib, level 9).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureDist, importGraph, rel, ROOT } from './dist.js';
import { section, sig, table } from './harness.js';

/** Issue 13's targets (gzip KB): the tarball, ddpg-wasm/policy and ddpg-wasm with their chunks. */
const TARGET_PACKAGE_GZ_KB = 92;
const TARGET_POLICY_GZ_KB = 15;
const TARGET_MAIN_GZ_KB = 30;

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

interface EntrySize { name: string; files: string[]; raw: number; gzSum: number; gzConcat: number }

function entrySize(name: string, entry: string): EntrySize {
  const files = importGraph(entry);
  const bufs = files.map((f) => readFileSync(f));
  return { name, files, raw: bufs.reduce((n, b) => n + b.length, 0), gzSum: bufs.reduce((n, b) => n + gz(b), 0), gzConcat: gz(Buffer.concat(bufs)) };
}

export default async function run(): Promise<string> {
  ensureDist();
  const pack = npmPack();
  const entries: EntrySize[] = [];
  const candidates: [string, string][] = [
    ['ddpg-wasm/policy (default)', 'dist/policy.js'],
    ['ddpg-wasm/policy (workerd: JS + kernels.wasm file)', 'dist/policy-workerd.js'],
    ['ddpg-wasm (default)', 'dist/index.js'],
  ];
  for (const [n, f] of candidates) if (existsSync(join(ROOT, f))) entries.push(entrySize(n, join(ROOT, f)));

  const wasm = readFileSync(join(ROOT, 'dist/kernels.wasm'));
  const b64 = readFileSync(join(ROOT, 'dist/chunks/wasm-bytes.js'));
  const policyWasm = readFileSync(join(ROOT, 'build/policy.wasm'));
  const [policy, , main] = entries;
  if (policy === undefined || main === undefined) throw new Error('dist/policy.js or dist/index.js is missing');
  const met = (gzBytes: number, kbTarget: number): string => (gzBytes <= kbTarget * 1000 ? 'yes' : 'no');

  // Where the tarball's bytes go: per file gzip, grouped.
  const groups = new Map<string, { raw: number; gz: number; n: number }>();
  for (const f of pack.files) {
    const g = f.path.endsWith('.d.ts') ? 'other type declarations (*.d.ts)' :
      f.path.endsWith('.wasm') ? 'dist/*.wasm' :
      f.path === 'dist/chunks/wasm-bytes.js' ? 'dist/chunks/wasm-bytes.js (the inlined wasm, one char per byte)' :
      f.path.startsWith('dist/cli/') ? 'dist/cli/main.js (the CLI)' :
      f.path.startsWith('dist/chunks/') ? 'dist/chunks/{core,library}.js' :
      f.path.endsWith('.js') ? 'dist/*.js (the four entries; policy.js holds the forward-only wasm)' : f.path;
    const e = groups.get(g) ?? { raw: 0, gz: 0, n: 0 };
    e.raw += f.size;
    e.gz += gz(readFileSync(join(ROOT, f.path)));
    e.n++;
    groups.set(g, e);
  }

  return section('Size (issues 7 and 13)',
    '`npm run bench -- size`: `npm pack --dry-run --json` (tarball = the gzipped .tgz npm uploads) and the ' +
      'entries as shipped (minified by the build): every file reached by relative static imports, gzip of their ' +
      'concatenation (node:zlib level 9). KB in the tables = 1024 bytes; "met" checks the stricter 1000-byte KB.',
    table(['what', 'raw KB', 'gzip KB', 'target', 'met'], [
      ['npm tarball (.tgz)', `${kb(pack.unpackedSize)} unpacked, ${pack.entryCount} files`, kb(pack.size), `≤ ${TARGET_PACKAGE_GZ_KB} KB gzip`, met(pack.size, TARGET_PACKAGE_GZ_KB)],
      [policy.name, kb(policy.raw), kb(policy.gzConcat), `≤ ${TARGET_POLICY_GZ_KB} KB gzip`, met(policy.gzConcat, TARGET_POLICY_GZ_KB)],
      [main.name, kb(main.raw), kb(main.gzConcat), `≤ ${TARGET_MAIN_GZ_KB} KB gzip`, met(main.gzConcat, TARGET_MAIN_GZ_KB)],
    ]),
    table(['entry', 'files', 'raw KB', 'gzip KB (one file, concatenated)', 'gzip KB (sum per file)'],
      entries.map((e) => [e.name, e.files.length, kb(e.raw), kb(e.gzConcat), kb(e.gzSum)])),
    table(['part of the tarball', 'files', 'raw KB', 'gzip KB (per file)'],
      [...groups].sort((a, b) => b[1].gz - a[1].gz).map(([g, e]) => [g, e.n, kb(e.raw), kb(e.gz)])),
    `The kernels: dist/kernels.wasm ${kb(wasm.length)} KB raw, ${kb(gz(wasm))} KB gzip; inlined (one char per byte) in ` +
      `dist/chunks/wasm-bytes.js ${kb(b64.length)} KB raw, ${kb(gz(b64))} KB gzip. The forward-only module of ddpg-wasm/policy ` +
      `(build/policy.wasm) ${kb(policyWasm.length)} KB raw, ${kb(gz(policyWasm))} KB gzip, inlined in dist/policy.js. ` +
      `Files of ${policy.name}: ${policy.files.map(rel).join(', ')}.`,
  );
}
