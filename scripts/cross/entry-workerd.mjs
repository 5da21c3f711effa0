/**
 * workerd entry of the determinism check: a Worker that imports 'ddpg-wasm'
 * (resolved to the `workerd` condition, dist/workerd.js, whose init() uses the
 * kernels.wasm module import) and answers any request with the check's JSON.
 */
import * as lib from 'ddpg-wasm';
import { crosscheck } from './check.mjs';

export default {
  async fetch(request) {
    if (new URL(request.url).pathname !== '/run') return new Response('ok');
    const result = await crosscheck(lib);
    return Response.json({ runtime: 'workerd', ...result });
  },
};
