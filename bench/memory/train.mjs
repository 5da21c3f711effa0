/**
 * One training run in a fresh process (spawned by bench/memory.bench.ts):
 *   node bench/memory/train.mjs <steps> [train | baseline | bare]
 * Trains DDPG (keras preset, seed 0) on Pendulum-v1 for <steps> environment
 * steps from dist/ and prints one JSON line: peak RSS (VmHWM; see peakRss),
 * the memory breakdown at the end, the wasm linear memory size, wall time and
 * the last episode returns. With `baseline`
 * it only imports and initialises (the module's own footprint); with `bare` it
 * does nothing (Node's).
 */
import { readFileSync } from 'node:fs';

const steps = Number(process.argv[2] ?? 20000);
const mode = process.argv[3] ?? 'train';
const out = { steps: mode === 'train' ? steps : 0 };
if (mode !== 'bare') await (await import('../../dist/index.js')).init();
if (mode === 'train') {
  const { DDPG, makeEnv } = await import('../../dist/index.js');
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
out.maxRssBytes = peakRss();
console.log(JSON.stringify(out));

/**
 * Peak RSS of this process image. Linux: VmHWM from /proc/self/status, the
 * high-water mark of this address space only. getrusage's ru_maxrss is not
 * used there because it carries over the parent's RSS from fork() across exec,
 * so a child of a big parent reports at least the parent's size.
 */
function peakRss() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024; // KiB
}
