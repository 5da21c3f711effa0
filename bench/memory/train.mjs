/**
 * One training run in a fresh process (spawned by bench/memory.bench.ts):
 *   node bench/memory/train.mjs <steps> [baseline]
 * Trains DDPG (keras preset, seed 0) on Pendulum-v1 for <steps> environment
 * steps from dist/ and prints one JSON line: peak RSS (getrusage maxrss, as
 * `/usr/bin/time -v` reports it), the memory breakdown at the end, the wasm
 * linear memory size, wall time and the last episode returns. With `baseline`
 * it only imports and initialises (Node's and the module's own footprint).
 */
import { DDPG, init, makeEnv } from '../../dist/index.js';

const steps = Number(process.argv[2] ?? 20000);
const baseline = process.argv[3] === 'baseline';
await init();
const out = { steps: baseline ? 0 : steps };
if (!baseline) {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
  const returns = [];
  let rssMaxSampled = 0;
  const t0 = performance.now();
  await agent.learn(steps, {
    onEpisode(r) {
      returns.push(r['rollout/ep_return']);
      rssMaxSampled = Math.max(rssMaxSampled, process.memoryUsage.rss());
    },
  });
  out.wallS = (performance.now() - t0) / 1000;
  out.sps = steps / out.wallS;
  out.returns = returns;
  out.wasmMemoryBytes = agent.actor.heap().buffer.byteLength;
  out.weightsHash = agent.weightsHash();
  out.rssMaxSampled = rssMaxSampled;
}
const mu = process.memoryUsage();
out.end = { rss: mu.rss, heapTotal: mu.heapTotal, heapUsed: mu.heapUsed, external: mu.external, arrayBuffers: mu.arrayBuffers };
out.maxRssBytes = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
console.log(JSON.stringify(out));
