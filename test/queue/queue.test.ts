// `sweep --queue` and `worker` on a real redis-server (started here on
// 127.0.0.1, a free port, no persistence, in a temporary directory): a sweep
// trained by three worker processes, one of them killed with SIGKILL in the
// middle of a chunk and others stopped (SIGTERM) and replaced at seeded random
// moments, must finish every trial with the results of the local sweep: the
// same results.json bytes, and each trial's weightsHash (one of them also
// checked against a straight `train` run). `npm run test:queue` (in .ci/run);
// needs redis-server on the PATH (apt-get install redis-server).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueEvents, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { type CliResult, cli, ensureBuilt, start, tempDir } from '../cli/helpers.js';
import { leftKeys, type RedisServer, sleep, startRedis, type Worker, worker as startWorker, workerName as name } from './redis.js';

const TINY = { actorLayers: [16], criticLayers: [16], batchSize: 16, learningStarts: 100 };
/** 4 configurations × 2 seeds, 5 chunks of 200 steps each; the last configuration is invalid (its trials fail, as in a local sweep). */
const SPEC = { overrides: TINY, grid: { actorLr: [1e-3, 3e-3, 1e-2, -1] }, seeds: 2, steps: 1000, evalEvery: 200, evalEpisodes: 1, saveEvery: 200, threshold: -1400 };
const LOCK_SECONDS = 2;

let base: string, url: string, server: RedisServer;

const read = (p: string): string => readFileSync(p, 'utf8');
const hash = (dir: string): string => (JSON.parse(read(join(dir, 'summary.json'))) as { weightsHash: string }).weightsHash;

beforeAll(async () => {
  await ensureBuilt();
  base = tempDir();
  server = await startRedis(base);
  url = server.url;
  writeFileSync(join(base, 'spec.json'), JSON.stringify(SPEC));
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

const worker = (): Worker => startWorker(url, ['--lock-seconds', String(LOCK_SECONDS)]);

describe('sweep --queue on a real Redis, with workers killed and stopped', () => {
  let sweep: CliResult;
  const stalled: string[] = [];
  const stopped: CliResult[] = [];
  let killed: CliResult;

  beforeAll(async () => {
    const queue = new Queue('ddpg-wasm', { connection: server.redis });
    const events = new QueueEvents('ddpg-wasm', { connection: { host: '127.0.0.1', port: server.port } });
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    const workers = [worker(), worker(), worker()];
    const run = start(['sweep', join(base, 'spec.json'), '--queue', url, '--out', join(base, 'queued')]);
    // kill -9 a worker while it holds a job (BullMQ's active list names the worker processing it).
    const victim = workers[0]!;
    let active = false;
    for (const end = Date.now() + 60_000; !active && Date.now() < end; await sleep(20)) {
      active = (await queue.getActive()).some((j) => j.processedBy === name(victim));
    }
    expect(active).toBe(true);
    victim.child.kill('SIGKILL');
    killed = await victim.done;
    // Then stop a worker at random (SIGTERM: it finishes its chunk) and start another, a few times.
    const rng = new Rng(15, 'queue-test');
    const live = workers.slice(1);
    live.push(worker());
    for (let i = 0; i < 3; i++) {
      await sleep(500 + rng.int(1500));
      const k = rng.int(live.length);
      const w = live.splice(k, 1)[0]!;
      await w.ready;
      w.child.kill('SIGTERM');
      stopped.push(await w.done);
      live.push(worker());
    }
    sweep = await run.done;
    for (const w of live) w.child.kill('SIGTERM');
    await Promise.all(live.map((w) => w.done));
    await events.close();
    await queue.close();
  }, 150_000);

  it('finishes every trial, after the killed worker\'s chunk was retried', () => {
    expect(sweep.code, sweep.stderr).toBe(1); // the two trials of the invalid configuration
    expect(sweep.stdout).toContain('2 trials failed');
    expect(killed.signal).toBe('SIGKILL');
    // The job the killed worker held went back to the queue (BullMQ's stalled-job check) and ran again elsewhere.
    expect(stalled.length).toBeGreaterThanOrEqual(1);
    for (const s of stopped) expect(s.code, s.stderr).toBe(0);
    const results = JSON.parse(read(join(base, 'queued', 'results.json'))) as { trials: { status: string; error: string | null }[] };
    expect(results.trials.map((t) => t.status)).toEqual([...Array(6).fill('done'), 'failed', 'failed']);
    expect(results.trials[7]!.error).toBe('invalid configuration: DDPG config: actorLr must be a number in (0, 1] or "lin_X", X in (0, 1], got -1');
  });

  it('gives the results of the local sweep, byte for byte, and of a straight train run', async () => {
    const local = await cli('sweep', join(base, 'spec.json'), '--workers', '2', '--out', join(base, 'local'), '--quiet');
    expect(local.code, local.stderr).toBe(1);
    expect(read(join(base, 'queued', 'results.json'))).toBe(read(join(base, 'local', 'results.json')));
    for (const id of ['c0-s0', 'c0-s1', 'c1-s0', 'c1-s1', 'c2-s0', 'c2-s1']) expect(hash(join(base, 'queued', id)), id).toBe(hash(join(base, 'local', id)));
    const sets = Object.entries({ ...TINY, actorLr: 1e-2 }).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]);
    const direct = await cli('train', '--steps', '1000', '--eval-every', '200', '--eval-episodes', '1', '--seed', '1', ...sets, '--out', join(base, 'direct'), '--quiet');
    expect(direct.code, direct.stderr).toBe(0);
    expect(hash(join(base, 'queued', 'c2-s1'))).toBe(hash(join(base, 'direct')));
  }, 120_000);

  it('leaves nothing of the sweep in Redis but BullMQ\'s own queue keys', async () => {
    expect(await leftKeys(server.redis)).toEqual([]);
  });
});
