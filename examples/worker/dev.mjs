#!/usr/bin/env node
/**
 * Runs the example Worker locally in workerd (the npm package `workerd`, this
 * example's devDependency), exactly as Cloudflare would run it:
 *
 *   npm run build && npm install --prefix examples/worker
 *   node examples/worker/make-policy.mjs && node examples/worker/dev.mjs
 *   curl -s -X POST localhost:<port>/act -d '{"obs":[1,0,0]}'
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INSTALL_WORKERD, startWorkerd, WORKERD_BIN } from './workerd-config.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
if (!existsSync(WORKERD_BIN)) {
  console.error(`workerd is not installed (${WORKERD_BIN}): run \`${INSTALL_WORKERD}\` from the repository root`);
  process.exit(1);
}
if (!existsSync(here('./policy.bin'))) {
  console.error('examples/worker/policy.bin is missing: run `node examples/worker/make-policy.mjs` first');
  process.exit(1);
}
const w = await startWorkerd(here('./worker.mjs'), [{ name: 'policy.bin', path: here('./policy.bin'), type: 'data' }]);
console.log(`workerd serving examples/worker/worker.mjs at ${w.url}  (Ctrl-C stops it)`);
const stop = () => w.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
