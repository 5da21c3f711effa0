// Several `sweep --queue` processes on one real Redis at once: a sweep is a
// spec and an --out (or --name), so another spec, another directory and a
// sweep keeping its states in a shared directory (--store) all run beside
// each other on the same two workers (one killed with SIGKILL while it trains
// a chunk of the --store sweep, and replaced), and each ends with the
// results.json bytes of the local sweep of its spec; none removes another's
// keys when it ends. A second process for the same sweep is refused with the first's pid
// while it lives; once it is killed (kill -9) the same command takes over and
// collects the rest. The same goes for a --name across directories. A worker
// without --store fails a --store sweep's chunks with what it needs (after
// BullMQ's retries: about 15 s). `npm run test:queue`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, ensureBuilt, type Running, start, tempDir } from '../cli/helpers.js';
import { leftKeys, type RedisServer, sleep, startRedis, worker, workerName } from './redis.js';

const TINY = { actorLayers: [16], criticLayers: [16], batchSize: 16, learningStarts: 100 };
/** 2 configurations × 2 seeds, 3 chunks of 200 steps. */
const A = { overrides: TINY, grid: { actorLr: [1e-3, 3e-3] }, seeds: 2, steps: 600, evalEvery: 200, evalEpisodes: 1, saveEvery: 200, threshold: -1400 };
/** Another spec: one configuration × 3 seeds. */
const B = { ...A, grid: { actorLr: [2e-3] }, seeds: 3 };

let base: string, server: RedisServer, specA: string, specB: string, store: string;

const read = (p: string): string => readFileSync(p, 'utf8');
const lines = (p: string): number => (existsSync(p) ? read(p).split('\n').filter((l) => l !== '').length : 0);

beforeAll(async () => {
  await ensureBuilt();
  base = tempDir();
  server = await startRedis(base);
  specA = join(base, 'a.json');
  specB = join(base, 'b.json');
  writeFileSync(specA, JSON.stringify(A));
  writeFileSync(specB, JSON.stringify(B));
  store = join(base, 'store');
  mkdirSync(store);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

/** The claim (ddpg-wasm:SID:owner) of the sweep collecting into `out`, once there is one. */
async function ownerOf(out: string): Promise<{ host: string; pid: number }> {
  for (const end = Date.now() + 60_000; Date.now() < end; await sleep(50)) {
    for (const key of await server.redis.keys('ddpg-wasm:*:owner')) {
      const text = await server.redis.get(key);
      const owner = text === null ? null : (JSON.parse(text) as { host: string; pid: number; out: string });
      if (owner?.out === resolve(out)) return owner;
    }
  }
  throw new Error(`no sweep claimed ${out} within 60 s`);
}

/** What the --store sweep's folder held while it ran: states whose name is not their checkpoint's hash, and Redis states of it. */
interface StoreWatch {
  seen: number;
  misnamed: string[];
  inRedis: string[];
}

/** Reads every state file of the --store sweep (DIR/SID/TRIAL.HASH: a pack of the trial's run directory) until `until` settles. */
async function watchStore(until: Promise<unknown>): Promise<StoreWatch> {
  const w: StoreWatch = { seen: 0, misnamed: [], inRedis: [] };
  let over = false;
  void until.then(() => { over = true; });
  while (!over) {
    for (const sid of existsSync(store) ? readdirSync(store) : []) {
      w.inRedis.push(...await server.redis.keys(`ddpg-wasm:${sid}:blob:*`));
      for (const name of readdirSync(join(store, sid)).filter((n) => !n.startsWith('.') && n !== 'sweep.json')) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(join(store, sid, name));
        } catch {
          continue; // removed meanwhile (the next chunk's worker, or the sweep once it copied a final state)
        }
        // pack(): a JSON line [[file, length], …], then the files' bytes in that order.
        const nl = bytes.indexOf(10);
        let off = nl + 1, checkpoint: Buffer | null = null;
        for (const [file, length] of JSON.parse(bytes.subarray(0, nl).toString('utf8')) as [string, number][]) {
          if (file === 'checkpoint.ddpg') checkpoint = bytes.subarray(off, off + length);
          off += length;
        }
        w.seen++;
        const hash = checkpoint === null ? 'none' : createHash('sha256').update(checkpoint).digest('hex');
        if (name !== `${name.split('.')[0]}.${hash}` || off !== bytes.length) w.misnamed.push(name);
      }
    }
    await sleep(100);
  }
  return w;
}

describe('sweeps of other specs and directories at once on one Redis; one collector per sweep', () => {
  let refused: CliResult, killed: CliResult, rerun: CliResult, a1Pid: number, killedWorker: CliResult | null = null;
  const results = new Map<string, CliResult>();
  let watched: StoreWatch;

  beforeAll(async () => {
    const startWorker = () => worker(server.url, ['--lock-seconds', '2', '--store', store]);
    const workers = [startWorker(), startWorker()];
    const sweep = (spec: string, out: string, ...extra: string[]): Running => start(['sweep', spec, '--queue', server.url, '--out', join(base, out), '--quiet', ...extra]);
    const a1 = sweep(specA, 'a1');
    a1Pid = a1.child.pid!;
    const others = { b: sweep(specB, 'b'), a2: sweep(specA, 'a2'), stored: sweep(specA, 'stored', '--store', store) };
    const storeRun = others.stored.done.then((r) => results.set('stored', r));
    const watching = watchStore(storeRun);
    // kill -9 the worker that trains a chunk of the --store sweep (its job goes back to the queue), and replace it.
    const queue = new Queue('ddpg-wasm', { connection: server.redis });
    const killing = (async () => {
      for (const end = Date.now() + 60_000; Date.now() < end; await sleep(20)) {
        const sid = readdirSync(store)[0];
        const job = sid === undefined ? undefined : (await queue.getActive()).find((j) => (j.data as { sid: string }).sid === sid);
        const victim = workers.find((w) => job?.processedBy === workerName(w));
        if (victim === undefined) continue;
        victim.child.kill('SIGKILL');
        killedWorker = await victim.done;
        workers.splice(workers.indexOf(victim), 1, startWorker());
        return;
      }
    })();
    // The same spec into the same directory while a1 collects it: refused.
    await ownerOf(join(base, 'a1'));
    refused = await cli('sweep', specA, '--queue', server.url, '--out', join(base, 'a1'), '--quiet');
    // kill -9 a1 once it has collected a trial, then the same command again.
    for (const end = Date.now() + 90_000; lines(join(base, 'a1', 'sweep.jsonl')) === 0 && Date.now() < end;) await sleep(20);
    a1.child.kill('SIGKILL');
    killed = await a1.done;
    rerun = await sweep(specA, 'a1').done;
    for (const [key, run] of Object.entries(others)) results.set(key, await run.done);
    watched = await watching;
    await killing;
    await queue.close();
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
  }, 240_000);

  it('refuses a second process for the same spec and --out, naming the one collecting it', () => {
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`is already being collected by process ${a1Pid} on ${hostname()} since `);
    expect(refused.stderr).toContain('give this sweep another --out or --name');
  });

  it('lets the same command take over from a collector killed with SIGKILL', () => {
    expect(killed.signal).toBe('SIGKILL');
    expect(killedWorker?.signal).toBe('SIGKILL');
    expect(rerun.code, rerun.stderr).toBe(0);
    for (const [key, r] of results) expect(r.code, `${key}: ${r.stderr}`).toBe(0);
  });

  it('gives each sweep the results of the local sweep of its spec, byte for byte', async () => {
    const [localA, localB] = await Promise.all([[specA, 'local-a'], [specB, 'local-b']].map(([spec, out]) => cli('sweep', spec!, '--workers', '1', '--out', join(base, out!), '--quiet')));
    expect(localA!.code, localA!.stderr).toBe(0);
    expect(localB!.code, localB!.stderr).toBe(0);
    const want = read(join(base, 'local-a', 'results.json'));
    for (const out of ['a1', 'a2', 'stored']) expect(read(join(base, out, 'results.json')), out).toBe(want);
    expect(read(join(base, 'b', 'results.json'))).toBe(read(join(base, 'local-b', 'results.json')));
  }, 120_000);

  it('kept the --store sweep\'s states in files named by their checkpoint\'s SHA-256, none in Redis, and removed them', () => {
    expect(watched.seen).toBeGreaterThan(0);
    expect(watched.misnamed).toEqual([]);
    expect(watched.inRedis).toEqual([]);
    expect(readdirSync(store)).toEqual([]);
  });

  it('leaves nothing of any sweep in Redis', async () => {
    expect(await leftKeys(server.redis)).toEqual([]);
  });
});

describe('a --store sweep with a worker that lacks --store; --name', () => {
  let named: CliResult, other: CliResult, firstPid: number;

  beforeAll(async () => {
    const spec = join(base, 'one.json');
    writeFileSync(spec, JSON.stringify({ ...A, grid: {}, seeds: 1 }));
    const w = worker(server.url, ['--lock-seconds', '2']);
    const first = start(['sweep', spec, '--queue', server.url, '--name', 'shared', '--out', join(base, 'named-1'), '--store', store, '--quiet']);
    firstPid = first.child.pid!;
    await ownerOf(join(base, 'named-1'));
    // The same spec and --name into another directory: the same sweep, so refused.
    other = await cli('sweep', spec, '--queue', server.url, '--name', 'shared', '--out', join(base, 'named-2'), '--store', store, '--quiet');
    named = await first.done;
    w.child.kill('SIGTERM');
    await w.done;
  }, 120_000);

  it('refuses a second process of the same --name, naming the first one\'s directory', () => {
    expect(other.code, other.stderr).toBe(1);
    expect(other.stderr).toContain(`(this spec, --out ${join(base, 'named-1')}) is already being collected by process ${firstPid} on ${hostname()}`);
  });

  it('fails the trial, after the retries, with what the worker needs, and cleans up', async () => {
    expect(named.code, named.stderr).toBe(1);
    const [trial] = (JSON.parse(read(join(base, 'named-1', 'results.json'))) as { trials: { error: string }[] }).trials;
    expect(trial!.error).toMatch(/^chunk 0 failed: sweep [0-9a-f]{16} keeps its states in a shared directory: start the worker with --store DIR/);
    expect(readdirSync(store)).toEqual([]);
    expect(await leftKeys(server.redis)).toEqual([]);
  });
});
