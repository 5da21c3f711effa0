/**
 * Scale-out on BullMQ/Redis: `ddpg-wasm sweep SPEC --queue redis://HOST:PORT`
 * enqueues the first chunk of every trial and waits; `ddpg-wasm worker --queue
 * redis://…` (any number, on any machine) takes a chunk job, loads the trial's
 * state, trains saveEvery steps (runTrial with `until`), stores the new state
 * and enqueues the next chunk. bullmq and ioredis are optional peer
 * dependencies, loaded with import() only here.
 *
 * Idempotence: a job is keyed by (sweep, trial, chunk) through its jobId, so
 * adding it again is a no-op while it exists; its result is the content hash
 * (SHA-256) of the checkpoint it produced, recorded in the sweep's `chunks`
 * hash before anything follows from it. A job run twice (at-least-once
 * delivery, a stalled job retried after a kill -9) finds its result recorded
 * and only repeats the follow-up (idempotent adds and sets), or trains again
 * from the same checkpoint to the same bytes. Training is a pure function of
 * (checkpoint, steps), so no delivery order changes a result.
 *
 * A sweep's namespace (SID) is the first 16 hex digits of the SHA-256 of the
 * version, the checked spec and the sweep's name (--name, else the absolute
 * --out directory): two sweeps of different specs or directories never share
 * a key or a job. One process collects a sweep at a time: it holds
 * ddpg-wasm:SID:owner (renewed every few seconds, expiring LEASE_MS after its
 * last renewal); a second `sweep` of the same namespace is refused with the
 * holder's host, pid and directory, unless the holder is a dead process of
 * this host (a kill -9), whose claim it takes over.
 *
 * Redis keys of a sweep: ddpg-wasm:SID:spec (version, spec, where the states
 * live), :owner, :chunks (trial-chunk → result), :steps (trial → steps
 * trained), :active (trial → the worker training it), :done (trial → final
 * result) and, with the default store, :blob:TRIAL:HASH (a trial's state after
 * a chunk, store.ts; `--store DIR` keeps them in DIR/SID/ instead). A worker
 * deletes the previous chunk's state once its own result is recorded, so a
 * running trial holds one or two; the sweep deletes the final state once it
 * has written the trial's run directory, and every key, state and job of its
 * namespace (and nothing else) once all trials have finished.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as BullMQ from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { type CommandSpec, parseArgs, UsageError } from './args.js';
import type { CliIO } from './io.js';
import { alive, FILES, RunDir, type Summary } from './run-dir.js';
import type { SweepProgress } from '../sweep.js';
import { VERSION } from '../version.js';
import type { SweepSpec, Trial } from './sweep-spec.js';
import { createDirStore, dirStore, redisStore, type StateStore, STORE_MARKER } from './store.js';
import { runTrial } from './trial.js';

/** The BullMQ queue every sweep and worker uses (jobs carry their sweep's id). */
export const QUEUE_NAME = 'ddpg-wasm';
export const INSTALL_HINT = '--queue needs the optional packages bullmq and ioredis: npm i bullmq ioredis';

interface Backend {
  readonly bullmq: typeof BullMQ;
  readonly Redis: typeof RedisClient;
}

/** bullmq and ioredis, imported on first use (an Error with the install hint when either is missing). */
async function load(): Promise<Backend> {
  try {
    const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
    return { bullmq, Redis: ioredis.Redis };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error(INSTALL_HINT);
    throw e;
  }
}

/** The connection a redis:// URL names (ioredis options, which BullMQ takes as they are). */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: object;
  readonly maxRetriesPerRequest: null;
}

/** The connection of a redis:// or rediss:// URL (throws UsageError naming the flag). */
export function redisOptions(url: string, command: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue must be a redis://HOST:PORT URL, got ${JSON.stringify(url)}`, command);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`--queue must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}`, command);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isSafeInteger(db) || db < 0) throw new UsageError(`--queue: the database (the URL's path) must be an integer ≥ 0, got ${JSON.stringify(u.pathname.slice(1))}`, command);
  return {
    host: u.hostname === '' ? '127.0.0.1' : u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? 6379 : Number(u.port), db,
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null, // BullMQ's workers need it; commands wait for a reconnect instead of failing
  };
}

/** Checks the URL and that bullmq and ioredis load (before a sweep writes anything); throws UsageError or the install hint. */
export async function checkQueue(url: string): Promise<void> {
  redisOptions(url, 'sweep');
  await load();
}

/** A chunk job: train `trial` from the state `from` (null: a fresh start) through chunk `chunk`. */
interface ChunkJob {
  readonly sid: string;
  readonly trial: Trial;
  readonly chunk: number;
  readonly from: string | null;
}

/** A chunk's result: the content hash of the state it left (null when the trial failed), and whether the trial ended. */
interface ChunkResult {
  readonly hash: string | null;
  readonly final: boolean;
  readonly steps: number;
  readonly error: string | null;
}

const keys = (sid: string) => ({
  prefix: `ddpg-wasm:${sid}`,
  spec: `ddpg-wasm:${sid}:spec`,
  owner: `ddpg-wasm:${sid}:owner`,
  chunks: `ddpg-wasm:${sid}:chunks`,
  steps: `ddpg-wasm:${sid}:steps`,
  active: `ddpg-wasm:${sid}:active`,
  done: `ddpg-wasm:${sid}:done`,
});

/** What ddpg-wasm:SID:spec holds: the checked spec, the version that enqueued it and where the states live. */
interface SweepMeta {
  readonly version: string;
  readonly spec: SweepSpec;
  readonly store: 'redis' | 'dir';
}

/**
 * The sweep's namespace: the first 16 hex digits of the SHA-256 of the
 * version, the checked spec and its name (`--name`, else the absolute --out
 * directory), as JSON.
 */
const sweepId = (spec: SweepSpec, identity: { readonly name: string } | { readonly out: string }): string =>
  createHash('sha256').update(JSON.stringify({ version: VERSION, spec, ...identity })).digest('hex').slice(0, 16);
const jobId = (sid: string, trial: string, chunk: number): string => `${sid}-${trial}-${chunk}`;
/** Steps per chunk: the spec's saveEvery (the whole run when it saves only at the end). */
const chunkSteps = (spec: SweepSpec, stepBound: number): number => (spec.saveEvery > 0 ? spec.saveEvery : stepBound);

/** Job options: retried on errors (a lost connection), kept after completion so that a repeated add stays a no-op. */
const jobOptions = (sid: string, trial: string, chunk: number, priority: number): BullMQ.JobsOptions => ({
  jobId: jobId(sid, trial, chunk),
  // Lower runs first: a trial's next chunk runs before later trials start, so few trials hold a checkpoint at a time.
  priority,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: false,
  removeOnFail: false,
});

/** The run directory's files in one buffer: a JSON line [[name, bytes], …], then the files' bytes. */
function pack(dir: string): Buffer {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  const data = names.map((n) => readFileSync(join(dir, n)));
  const head = Buffer.from(`${JSON.stringify(names.map((n, i) => [n, data[i]!.length]))}\n`, 'utf8');
  return Buffer.concat([head, ...data]);
}

/** Writes the files of a pack() into the run directory `dir` (each atomically). */
function unpack(bytes: Buffer, dir: string): void {
  const nl = bytes.indexOf(10);
  const names = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as [string, number][];
  const run = new RunDir(dir);
  run.create();
  let off = nl + 1;
  for (const [name, length] of names) {
    run.writeAtomic(name, bytes.subarray(off, off + length));
    off += length;
  }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');

/** The step budget of a trial (the episode target's bound when the spec counts episodes). */
type StepBound = number;

/** What a pool of the sweep reports for each trial that finished (sweep.ts). */
export type Finish = (t: Trial, error: string | null, wallSeconds: number) => void;

export interface QueuePoolOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: SweepProgress) => void) | undefined;
  /** Seconds between two looks at Redis (default 0.5). */
  readonly pollSeconds?: number;
  /** The sweep's name (its namespace with the spec), instead of the --out directory. */
  readonly name?: string | undefined;
  /** Keep the trials' states in this directory (every worker mounts it, `worker --store`) instead of Redis. */
  readonly store?: string | undefined;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void {
    clearTimeout(t);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done);
});

/** The collecting process's claim on a sweep: expires this long after its last renewal (a collector renews every RENEW_MS). */
const LEASE_MS = 15_000, RENEW_MS = 3_000;
const IF_MINE = "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end ";
const RENEW = `${IF_MINE}return redis.call('pexpire', KEYS[1], ARGV[2])`;
const RELEASE = `${IF_MINE}return redis.call('del', KEYS[1])`;
const TAKE_OVER = `${IF_MINE}redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1`;

interface Owner {
  readonly host: string;
  readonly pid: number;
  readonly out: string;
  readonly since: string;
}

/**
 * Claims the sweep for this process (ddpg-wasm:SID:owner): refused with the
 * holder's host, pid and directory while another collector lives; a dead
 * process of this host (kill -9) loses its claim at once, one elsewhere when
 * its claim expires. Resolves to the claim's value.
 */
async function claim(redis: RedisClient, sid: string, out: string): Promise<string> {
  const key = keys(sid).owner;
  const mine = JSON.stringify({ host: hostname(), pid: process.pid, out: resolve(out), since: new Date().toISOString() } satisfies Owner);
  for (;;) {
    if (await redis.set(key, mine, 'PX', LEASE_MS, 'NX') === 'OK') return mine;
    const text = await redis.get(key);
    if (text === null) continue; // expired meanwhile
    const other = JSON.parse(text) as Owner;
    if (other.host === hostname() && !alive(other.pid)) {
      if (await redis.eval(TAKE_OVER, 1, key, text, mine, LEASE_MS) === 1) return mine;
      continue;
    }
    throw new Error(`sweep ${sid} (this spec, ${other.out === resolve(out) ? 'this --out' : `--out ${other.out}`}) is already being collected by ` +
      `process ${other.pid} on ${other.host} since ${other.since}; one process collects a sweep: wait for that one (or stop it: ` +
      `its claim lapses ${LEASE_MS / 1000} s after it ends), or give this sweep another --out or --name`);
  }
}

/**
 * The sweep's side: enqueues the first chunk of each trial of `todo`, waits
 * until every one has finished (workers do the training), writes each
 * finished trial's run directory OUT/<trial> from the store and reports it
 * with `finish`. Resolves true when `signal` stopped the wait first (the jobs
 * go on; the same command again picks the results up). Every key, state and
 * job of the sweep is removed once all trials have finished.
 */
export async function queuePool(url: string, spec: SweepSpec, todo: readonly Trial[], out: string, stepBound: StepBound,
  options: QueuePoolOptions, finish: Finish): Promise<boolean> {
  const conn = redisOptions(url, 'sweep');
  const { bullmq, Redis } = await load();
  const sid = sweepId(spec, options.name !== undefined ? { name: options.name } : { out: resolve(out) }), k = keys(sid);
  const meta: SweepMeta = { version: VERSION, spec, store: options.store !== undefined ? 'dir' : 'redis' };
  const metaText = JSON.stringify(meta);
  const redis = new Redis(conn);
  let owner: string | null = null, renewal: NodeJS.Timeout | undefined, lost = false;
  try {
    owner = await claim(redis, sid, out);
    const mine = owner;
    renewal = setInterval(() => {
      redis.eval(RENEW, 1, k.owner, mine, LEASE_MS).then((r) => { if (r === 0) lost = true; }, () => undefined);
    }, RENEW_MS);
    const prior = await redis.get(k.spec);
    if (prior !== null && (JSON.parse(prior) as SweepMeta).store !== meta.store) {
      throw new Error(`sweep ${sid} keeps its trials' states ${meta.store === 'dir' ? 'in Redis: run it again without --store' : 'in a directory: run it again with the same --store'} ` +
        '(or start it over with another --out or --name)');
    }
    await redis.set(k.spec, metaText);
    const store = options.store !== undefined ? createDirStore(options.store, sid, metaText) : redisStore(redis, k.prefix);
    return await collect(bullmq, redis, conn, sid, store, todo, out, stepBound, options, finish, () => lost);
  } finally {
    clearInterval(renewal);
    if (owner !== null) await redis.eval(RELEASE, 1, k.owner, owner);
    await redis.quit();
  }
}

/** queuePool's wait, once the sweep is claimed: resolves true when stopped by the signal. */
async function collect(bullmq: typeof BullMQ, redis: RedisClient, conn: RedisConnection, sid: string, store: StateStore,
  todo: readonly Trial[], out: string, stepBound: StepBound, options: QueuePoolOptions, finish: Finish, lost: () => boolean): Promise<boolean> {
  const k = keys(sid);
  const queue = new bullmq.Queue<ChunkJob, ChunkResult>(QUEUE_NAME, { connection: redis });
  const events = new bullmq.QueueEvents(QUEUE_NAME, { connection: conn });
  try {
    // A job that failed for good (every attempt, or stalled too often) ends its trial as failed.
    const failJob = async (id: string, reason: string): Promise<void> => {
      const m = id.startsWith(`${sid}-`) ? /^(.*)-(\d+)$/.exec(id.slice(sid.length + 1)) : null;
      if (m === null || (await queue.getJobState(id)) !== 'failed') return;
      const result: ChunkResult = { hash: null, final: true, steps: 0, error: `chunk ${m[2]} failed: ${reason}` };
      await redis.hsetnx(k.done, m[1]!, JSON.stringify(result));
    };
    events.on('failed', ({ jobId: id, failedReason }) => { void failJob(id, failedReason).catch(() => undefined); });
    await events.waitUntilReady();
    for (const job of await queue.getFailed()) if (job.id !== undefined) await failJob(job.id, job.failedReason);
    await queue.addBulk(todo.map((trial, i) => ({
      name: 'chunk', data: { sid, trial, chunk: 0, from: null }, opts: jobOptions(sid, trial.id, 0, Math.min(i + 1, 2_000_000)),
    })));
    const pending = new Map(todo.map((t) => [t.id, t]));
    const t0 = performance.now();
    let done = 0, failed = 0, base: number | null = null;
    const poll = (options.pollSeconds ?? 0.5) * 1000;
    while (pending.size > 0 && options.signal?.aborted !== true) {
      if (lost()) throw new Error(`this process lost its claim on sweep ${sid} (no renewal for ${LEASE_MS / 1000} s); another process may be collecting it`);
      const ids = [...pending.keys()];
      const results = await redis.hmget(k.done, ...ids);
      for (const [i, text] of results.entries()) {
        if (text === null) continue;
        const t = pending.get(ids[i]!)!;
        const r = JSON.parse(text) as ChunkResult;
        let wall = 0;
        if (r.hash !== null) {
          const bytes = await store.get(t.id, r.hash);
          if (bytes === null) throw new Error(`the final state of trial ${t.id} (${store.where(t.id, r.hash)}) is missing`);
          unpack(bytes, join(out, t.id));
          wall = (JSON.parse(readFileSync(join(out, t.id, FILES.summary), 'utf8')) as Summary).wallSeconds;
        }
        pending.delete(t.id);
        done++;
        if (r.error !== null) failed++;
        finish(t, r.error, wall);
        if (r.hash !== null) await store.del(t.id, r.hash);
      }
      if (options.onProgress !== undefined) {
        const steps = (await redis.hvals(k.steps)).reduce((s, v) => s + Number(v), 0);
        base ??= steps;
        // Running: the trials a worker trains now (this sweep's only: the queue may hold other sweeps' jobs).
        const running = Math.min(pending.size, await redis.hlen(k.active));
        const sec = (performance.now() - t0) / 1000, sps = sec > 0 ? (steps - base) / sec : 0;
        const left = Math.max(0, todo.length * stepBound - steps);
        options.onProgress({ done, failed, running, queued: pending.size - running, stepsPerSecond: sps, etaSeconds: sps > 0 ? left / sps : NaN });
      }
      if (pending.size > 0) await sleep(poll, options.signal);
    }
    if (pending.size > 0) return true;
    // Every trial has finished: remove the sweep's jobs (each chunk with a result, and the one after the last:
    // a job that failed), states and keys; a later run starts from the run directories.
    const last = new Map(todo.map((t) => [t.id, 0]));
    for (const field of await redis.hkeys(k.chunks)) {
      const m = /^(.*)-(\d+)$/.exec(field)!;
      last.set(m[1]!, Math.max(last.get(m[1]!) ?? 0, Number(m[2]) + 1));
    }
    const ids = [...last].flatMap(([trial, n]) => Array.from({ length: n + 1 }, (_, c) => jobId(sid, trial, c)));
    for (let i = 0; i < ids.length; i += 500) await Promise.all(ids.slice(i, i + 500).map((id) => queue.remove(id)));
    await redis.del(k.spec, k.chunks, k.steps, k.active, k.done);
    await store.clear();
    return false;
  } finally {
    await events.close();
    await queue.close();
  }
}

export const WORKER: CommandSpec = {
  name: 'worker',
  summary: 'Train the chunks of queued sweeps (ddpg-wasm sweep SPEC --queue URL): start any number, on any machine.',
  usage: 'ddpg-wasm worker --queue redis://HOST:PORT [--store DIR] [--lock-seconds S] [--quiet]',
  flags: [
    { name: 'queue', type: 'string', value: 'URL', help: 'the Redis of the sweep: redis://[user:password@]HOST:PORT[/DB] (rediss:// for TLS)' },
    { name: 'store', type: 'string', value: 'DIR', help: "the shared directory of sweeps run with --store (this machine's mount of it); needed for those sweeps only" },
    { name: 'lock-seconds', type: 'int', min: 1, value: 'S', help: "a job whose worker died (kill -9, a lost machine) goes back to the queue after S seconds (default 30, BullMQ's lockDuration)" },
    { name: 'quiet', type: 'boolean', help: 'no line per chunk' },
  ],
  notes: [
    'A worker takes one chunk (saveEvery steps of one trial) at a time: run one per core. Each chunk loads the\n' +
    "trial's state (from Redis, or from the --store directory for a sweep run with --store), trains, stores the\n" +
    'new one and enqueues the next chunk; the result of a job run twice is the same bytes, so retries after a\n' +
    'crash never change a trial.',
    'Needs the optional packages bullmq and ioredis (npm i bullmq ioredis).',
    'SIGINT/SIGTERM: finish the current chunk, then exit 0; a second signal exits at once (the chunk is retried\n' +
    'elsewhere after --lock-seconds).',
  ],
};

interface WorkerOptions {
  readonly url: string;
  readonly conn: RedisConnection;
  readonly lockMs: number;
  /** The shared directory of sweeps that keep their states in one (--store). */
  readonly store: string | undefined;
  readonly say: (s: string) => void;
  readonly warn: (s: string) => void;
  readonly stopped: Promise<void>;
}

/** `ddpg-wasm worker --queue URL`: processes chunk jobs until SIGINT/SIGTERM. */
export async function workerCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseArgs(WORKER, argv);
  if (f.bool('help')) return io.help(WORKER);
  const url = f.str('queue');
  if (url === undefined) throw new UsageError('worker needs --queue redis://HOST:PORT', 'worker');
  const conn = redisOptions(url, 'worker');
  const say = (s: string): void => {
    if (!f.bool('quiet')) io.stderr.write(`${s}\n`);
  };
  // Signals from the start: one before the worker runs just ends the process cleanly.
  let closing = false, close = (): void => undefined;
  const stopped = new Promise<void>((resolve) => { close = resolve; });
  const onSignal = (sig: NodeJS.Signals): void => {
    if (closing) process.exit(sig === 'SIGINT' ? 130 : 143); // second signal: the chunk is retried by another worker
    closing = true;
    say(`${sig}: finishing the current chunk, then exiting (again to exit now)`);
    close();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runWorker({
      url, conn, lockMs: (f.int('lock-seconds') ?? 30) * 1000, store: f.str('store'), say,
      warn: (e) => io.stderr.write(`ddpg-wasm worker: ${e}\n`), stopped,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

/** A job of a sweep that has ended (every trial collected, its keys removed): nothing to do. */
const OBSOLETE: ChunkResult = { hash: null, final: true, steps: 0, error: 'the sweep has ended' };

/** Processes chunk jobs until `stopped` resolves, then finishes the current one and closes. */
async function runWorker(o: WorkerOptions): Promise<void> {
  const { bullmq, Redis } = await load();
  const { UnrecoverableError } = bullmq;
  const redis = new Redis(o.conn);
  const queue = new bullmq.Queue<ChunkJob, ChunkResult>(QUEUE_NAME, { connection: redis });
  const name = `${hostname()}:${process.pid}`;
  const sweeps = new Map<string, { spec: SweepSpec; store: StateStore }>();
  /** The sweep's spec and state store, or null when the sweep has ended. */
  const sweepOf = async (sid: string): Promise<{ spec: SweepSpec; store: StateStore } | null> => {
    const text = await redis.get(keys(sid).spec);
    if (text === null) return null;
    const known = sweeps.get(sid);
    if (known !== undefined) return known;
    // The checked spec, as the sweep wrote it; a worker of another version could train other bits.
    const meta = JSON.parse(text) as SweepMeta;
    if (meta.version !== VERSION) throw new UnrecoverableError(`sweep ${sid} was enqueued by ddpg-wasm ${meta.version}; this worker is ${VERSION} (results must come from one version)`);
    let store: StateStore;
    if (meta.store === 'redis') store = redisStore(redis, keys(sid).prefix);
    else if (o.store === undefined) throw new Error(`sweep ${sid} keeps its states in a shared directory: start the worker with --store DIR (that directory, mounted here)`);
    else if (!existsSync(join(o.store, sid, STORE_MARKER))) throw new Error(`--store ${o.store} holds no sweep ${sid} (${join(sid, STORE_MARKER)} is missing): give the worker the directory the sweep's --store names`);
    else store = dirStore(o.store, sid);
    const sweep = { spec: meta.spec, store };
    sweeps.set(sid, sweep);
    return sweep;
  };

  /** Trains the chunk (or finds its recorded result), then records what follows from it. */
  const processor = async (job: BullMQ.Job<ChunkJob, ChunkResult>): Promise<ChunkResult> => {
    const { sid, trial, chunk, from } = job.data;
    const k = keys(sid), field = `${trial.id}-${chunk}`;
    const sweep = await sweepOf(sid);
    if (sweep === null) return OBSOLETE; // a late duplicate: writing anything now would leave keys behind
    const { spec, store } = sweep;
    const recorded = await redis.hget(k.chunks, field);
    let result: ChunkResult;
    if (recorded !== null) result = JSON.parse(recorded) as ChunkResult; // a repeated delivery: the result is known
    else {
      await redis.hset(k.active, trial.id, name); // the sweep's progress line counts these
      try {
        result = await trainChunk(spec, store, job.data, o.say);
      } finally {
        await redis.hdel(k.active, trial.id);
      }
      if (await redis.exists(k.spec) === 0) return OBSOLETE; // the sweep ended while this duplicate trained
      await redis.hsetnx(k.chunks, field, JSON.stringify(result));
      result = JSON.parse((await redis.hget(k.chunks, field))!) as ChunkResult;
    }
    // What follows, each step idempotent: progress, then the next chunk or the trial's end, then the old state's removal.
    await redis.hset(k.steps, trial.id, String(result.steps));
    if (result.final) await redis.hsetnx(k.done, trial.id, JSON.stringify(result));
    else await queue.add('chunk', { sid, trial, chunk: chunk + 1, from: result.hash }, jobOptions(sid, trial.id, chunk + 1, job.opts.priority ?? 0));
    if (from !== null) await store.del(trial.id, from);
    return result;
  };

  const worker = new bullmq.Worker<ChunkJob, ChunkResult>(QUEUE_NAME, processor, {
    connection: redis, concurrency: 1, lockDuration: o.lockMs, stalledInterval: o.lockMs, maxStalledCount: 10, name,
  });
  worker.on('error', (e) => o.warn(message(e))); // a lost connection and the like: shown even with --quiet
  worker.on('failed', (job, e) => { if (job !== undefined) o.say(`${job.id}: attempt ${job.attemptsMade} failed: ${message(e)}`); });
  try {
    await Promise.race([worker.waitUntilReady(), o.stopped]);
    o.say(`Worker ${name} on ${o.url} (queue ${QUEUE_NAME}${o.store !== undefined ? `, --store ${o.store}` : ''})`);
    await o.stopped;
  } finally {
    await worker.close();
    await queue.close();
    await redis.quit();
  }
}

/** Trains one chunk in a temporary run directory from its stored state; stores the new state and returns the result. */
async function trainChunk(spec: SweepSpec, store: StateStore, job: ChunkJob, say: (s: string) => void): Promise<ChunkResult> {
  const { sid, trial, chunk, from } = job;
  const bound = 'steps' in spec.target ? spec.target.steps : Infinity;
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-wasm-chunk-'));
  try {
    if (from !== null) {
      const bytes = await store.get(trial.id, from);
      if (bytes === null) throw new Error(`the state of ${trial.id} after chunk ${chunk - 1} (${store.where(trial.id, from)}) is missing`);
      unpack(bytes, dir);
    }
    const t0 = performance.now();
    let final: boolean, error: string | null = null;
    try {
      final = await runTrial(spec, trial, dir, { until: Math.min(bound, (chunk + 1) * chunkSteps(spec, bound)) });
    } catch (e) {
      final = true; // a failed trial (a bad config point, a non-finite loss) is a result too, the same on every run
      error = message(e);
    }
    const run = new RunDir(dir);
    let hash: string | null = null, steps = 0;
    if (error === null) {
      hash = sha256(readFileSync(run.file(FILES.checkpoint)));
      steps = run.readRunInfo()?.timing.steps ?? 0;
      // First writer wins: a repeated run stores nothing new (only metrics' timings could differ).
      await store.put(trial.id, hash, pack(dir));
    }
    say(`${sid} ${trial.id} chunk ${chunk}: ${error ?? `${steps} steps, ${hash!.slice(0, 12)}${final ? ' (done)' : ''}`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { hash, final, steps, error };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
