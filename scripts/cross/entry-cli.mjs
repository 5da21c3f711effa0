/**
 * Node / Deno / Bun entry of the determinism check: imports the built package
 * (dist/index.js, the default export condition) and prints one JSON line with
 * the runtime's name and version. `node scripts/cross/entry-cli.mjs`,
 * `deno run scripts/cross/entry-cli.mjs`, `bun scripts/cross/entry-cli.mjs`.
 */
import * as lib from '../../dist/index.js';
import { crosscheck } from './check.mjs';

const g = globalThis;
const runtime = g.Deno ? ['deno', g.Deno.version.deno] : g.Bun ? ['bun', g.Bun.version] : ['node', g.process.versions.node];
// CROSSCHECK_THREADS=N (Node; scripts/crosscheck.mjs's node-threads runtime): the same run with initThreads(N).
// Read in Node only: Deno refuses env access without --allow-env, and Bun has no node-threads runtime.
const threads = runtime[0] === 'node' ? Number(g.process.env.CROSSCHECK_THREADS ?? 1) : 1;
let api = lib;
if (threads > 1) {
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(new URL('../../dist/kernels-threads.wasm', import.meta.url));
  api = { ...lib, init: async () => { await lib.init(); await lib.initThreads(threads, bytes); } };
}
const result = await crosscheck(api);
if (threads > 1) lib.disposeThreads();
console.log(JSON.stringify({ runtime: runtime[0], version: runtime[1], ...result }));
