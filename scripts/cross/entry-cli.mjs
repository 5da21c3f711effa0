/**
 * Node / Deno / Bun entry of the determinism check: imports the built package
 * (dist/index.js, the default export condition) and prints one JSON line with
 * the runtime's name and version. `node scripts/cross/entry-cli.mjs`,
 * `deno run scripts/cross/entry-cli.mjs`, `bun scripts/cross/entry-cli.mjs`.
 *
 * `--threads=N` (scripts/crosscheck.mjs's *-threads runtimes): the same run after
 * initThreads(N), which must give the same bits. An argument, not an environment
 * variable, so Deno needs no --allow-env (only --allow-read for the wasm file).
 * A run that fell back to fewer threads fails instead of passing on one thread.
 */
import * as lib from '../../dist/index.js';
import { crosscheck, withThreads } from './check.mjs';

const g = globalThis;
const runtime = g.Deno ? ['deno', g.Deno.version.deno] : g.Bun ? ['bun', g.Bun.version] : ['node', g.process.versions.node];
const argv = g.Deno ? g.Deno.args : g.process.argv.slice(2);
const threads = Number(argv.find((a) => a.startsWith('--threads='))?.slice(10) ?? 1);
let run = { api: lib, info: { threads: 1, reason: null } };
if (threads > 1) {
  const { readFileSync } = await import('node:fs');
  run = withThreads(lib, threads, readFileSync(new URL('../../dist/kernels-threads.wasm', import.meta.url)));
}
const result = await crosscheck(run.api);
if (threads > 1) lib.disposeThreads();
console.log(JSON.stringify({ runtime: runtime[0], version: runtime[1], threads: run.info.threads, ...result }));
