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
const result = await crosscheck(lib);
console.log(JSON.stringify({ runtime: runtime[0], version: runtime[1], ...result }));
