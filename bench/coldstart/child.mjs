/**
 * One cold start in a fresh process (spawned by bench/latency.bench.ts):
 *   node bench/coldstart/child.mjs <case> <checkpoint file>
 * case: policy-init | policy-initSync | index-policy | index-agent.
 * Times import → init → load (or a new agent) → first act, from a clock read
 * just before the import (the checkpoint is read from disk before it, so file
 * I/O is not counted). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';

const [which, file] = process.argv.slice(2);
const bytes = readFileSync(file);
const obs = new Float32Array([1, 0, 0]); // Pendulum-v1: cos θ, sin θ, θ̇ (hanging straight up, at rest)
const entry = which.startsWith('policy') ? '../../dist/policy.js' : '../../dist/index.js';

const t0 = performance.now();
const m = await import(entry);
const t1 = performance.now();
if (which === 'policy-initSync') m.initSync();
else await m.init();
const t2 = performance.now();
const actor = which === 'index-agent'
  ? new m.DDPG(m.makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 })
  : m.Policy.load(bytes);
const t3 = performance.now();
const action = actor.act(obs);
const t4 = performance.now();
if (!Number.isFinite(action[0])) throw new Error('first act returned a non-finite action');
console.log(JSON.stringify({ import: t1 - t0, init: t2 - t1, load: t3 - t2, act: t4 - t3, total: t4 - t0, sinceProcessStart: t4 }));
