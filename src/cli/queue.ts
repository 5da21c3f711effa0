/**
 * Scale-out on BullMQ/Redis: `ddpg-wasm sweep SPEC --queue redis://HOST:PORT`
 * enqueues the first chunk of every trial and waits; `ddpg-wasm worker --queue
 * redis://…` (any number, on any machine) takes a chunk job, loads the trial's
 * checkpoint from Redis, trains saveEvery steps (runTrial with `until`), stores
 * the new state and enqueues the next chunk. bullmq and ioredis are optional
 * peer dependencies, loaded with import() only here.
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
 * Redis keys of a sweep (sid = the first 16 hex digits of the SHA-256 of the
 * checked spec): ddpg-wasm:SID:spec (the spec), :chunks (trial-chunk → result),
 * :steps (trial → steps trained), :done (trial → final result) and
 * :blob:TRIAL:HASH (a trial's run directory after a chunk: checkpoint,
 * metrics, run.json; a finished one also summary, policy and curve). A worker
 * deletes the previous chunk's blob once its own result is recorded, so a
 * running trial holds one or two blobs; the sweep deletes the final blob once
 * it has written the trial's run directory, and every key and job of the sweep
 * once all trials have finished.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as BullMQ from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { type CommandSpec, parseArgs, UsageError } from './args.js';
import type { CliIO } from './io.js';
import { FILES, RunDir, type Summary } from './run-dir.js';
import type { SweepProgress } from '../sweep.js';
import { VERSION } from '../version.js';
import type { SweepSpec, Trial } from './sweep-spec.js';
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
  spec: `ddpg-wasm:${sid}:spec`,
  chunks: `ddpg-wasm:${sid}:chunks`,
  steps: `ddpg-wasm:${sid}:steps`,
  done: `ddpg-wasm:${sid}:done`,
  blob: (trial: string, hash: string) => `ddpg-wasm:${sid}:blob:${trial}:${hash}`,
});

/** The sweep id: the first 16 hex digits of the SHA-256 of the version and the checked spec, as JSON. */
export const sweepId = (specText: string): string => createHash('sha256').update(specText).digest('hex').slice(0, 16);
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

/**
 * The sweep's side: enqueues the first chunk of each trial of `todo`, waits
 * until every one has finished (workers do the training), writes each
 * finished trial's run directory OUT/<trial> from Redis and reports it with
 * `finish`. Resolves true when `signal` stopped the wait first (the jobs go on;
 * the same command again picks the results up). Every key and job of the sweep
 * is removed once all trials have finished.
 */
export async function queuePool(url: string, spec: SweepSpec, todo: readonly Trial[], out: string, stepBound: StepBound,
  options: QueuePoolOptions, finish: Finish): Promise<boolean> {
  const conn = redisOptions(url, 'sweep');
  const { bullmq, Redis } = await load();
  const specText = JSON.stringify({ version: VERSION, spec });
  const sid = sweepId(specText), k = keys(sid);
  const redis = new Redis(conn);
  const queue = new bullmq.Queue<ChunkJob, ChunkResult>(QUEUE_NAME, { connection: redis });
  const events = new bullmq.QueueEvents(QUEUE_NAME, { connection: conn });
  try {
    await redis.set(k.spec, specText);
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
    let done = 0, failed = 0, base: number | null = null, moved = 0;
    const poll = (options.pollSeconds ?? 0.5) * 1000;
    while (pending.size > 0 && options.signal?.aborted !== true) {
      const ids = [...pending.keys()];
      const results = await redis.hmget(k.done, ...ids);
      for (const [i, text] of results.entries()) {
        if (text === null) continue;
        const t = pending.get(ids[i]!)!;
        const r = JSON.parse(text) as ChunkResult;
        let wall = 0;
        if (r.hash !== null) {
          const blob = k.blob(t.id, r.hash);
          const bytes = await redis.getBuffer(blob);
          if (bytes === null) throw new Error(`the final state of trial ${t.id} (${blob}) is missing from Redis`);
          unpack(bytes, join(out, t.id));
          wall = (JSON.parse(readFileSync(join(out, t.id, FILES.summary), 'utf8')) as Summary).wallSeconds;
        }
        pending.delete(t.id);
        done++;
        if (r.error !== null) failed++;
        finish(t, r.error, wall);
        if (r.hash !== null) await redis.del(k.blob(t.id, r.hash));
      }
      if (options.onProgress !== undefined) {
        const steps = (await redis.hvals(k.steps)).reduce((s, v) => s + Number(v), 0);
        base ??= steps;
        moved = steps - base;
        const counts = await queue.getJobCounts('active', 'waiting', 'prioritized', 'delayed');
        const sec = (performance.now() - t0) / 1000, sps = sec > 0 ? moved / sec : 0;
        const left = Math.max(0, todo.length * stepBound - (steps - 0));
        options.onProgress({
          done, failed, running: counts.active ?? 0, queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
          stepsPerSecond: sps, etaSeconds: sps > 0 ? left / sps : NaN,
        });
      }
      if (pending.size > 0) await sleep(poll, options.signal);
    }
    if (pending.size > 0) return true;
    // Every trial has finished: remove the sweep's jobs (each chunk with a result, and the one after the last:
    // a job that failed) and keys; a later run starts from the run directories.
    const last = new Map(todo.map((t) => [t.id, 0]));
    for (const field of await redis.hkeys(k.chunks)) {
      const m = /^(.*)-(\d+)$/.exec(field)!;
      last.set(m[1]!, Math.max(last.get(m[1]!) ?? 0, Number(m[2]) + 1));
    }
    const ids = [...last].flatMap(([trial, n]) => Array.from({ length: n + 1 }, (_, c) => jobId(sid, trial, c)));
    for (let i = 0; i < ids.length; i += 500) await Promise.all(ids.slice(i, i + 500).map((id) => queue.remove(id)));
    await redis.del(k.spec, k.chunks, k.steps, k.done);
    return false;
  } finally {
    await events.close();
    await queue.close();
    await redis.quit();
  }
}

export const WORKER: CommandSpec = {
  name: 'worker',
  summary: 'Train the chunks of queued sweeps (ddpg-wasm sweep SPEC --queue URL): start any number, on any machine.',
  usage: 'ddpg-wasm worker --queue redis://HOST:PORT [--lock-seconds S] [--quiet]',
  flags: [
    { name: 'queue', type: 'string', value: 'URL', help: 'the Redis of the sweep: redis://[user:password@]HOST:PORT[/DB] (rediss:// for TLS)' },
    { name: 'lock-seconds', type: 'int', min: 1, value: 'S', help: "a job whose worker died (kill -9, a lost machine) goes back to the queue after S seconds (default 30, BullMQ's lockDuration)" },
    { name: 'quiet', type: 'boolean', help: 'no line per chunk' },
  ],
  notes: [
    'A worker takes one chunk (saveEvery steps of one trial) at a time: run one per core. Each chunk loads the\n' +
    "trial's checkpoint from Redis, trains, stores the new one and enqueues the next chunk; the result of a\n" +
    'job run twice is the same bytes, so retries after a crash never change a trial.',
    'Needs the optional packages bullmq and ioredis (npm i bullmq ioredis).',
    'SIGINT/SIGTERM: finish the current chunk, then exit 0; a second signal exits at once (the chunk is retried\n' +
    'elsewhere after --lock-seconds).',
  ],
};

/** `ddpg-wasm worker --queue URL`: processes chunk jobs until SIGINT/SIGTERM. */
export async function workerCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const f = parseArgs(WORKER, argv);
  if (f.bool('help')) return io.help(WORKER);
  const url = f.str('queue');
  if (url === undefined) throw new UsageError('worker needs --queue redis://HOST:PORT', 'worker');
  const conn = redisOptions(url, 'worker');
  const lockMs = (f.int('lock-seconds') ?? 30) * 1000;
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
    await runWorker(url, conn, lockMs, say, (e) => io.stderr.write(`ddpg-wasm worker: ${e}\n`), stopped);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}

/** Processes chunk jobs until `stopped` resolves, then finishes the current one and closes. */
async function runWorker(url: string, conn: RedisConnection, lockMs: number, say: (s: string) => void, warn: (s: string) => void,
  stopped: Promise<void>): Promise<void> {
  const { bullmq, Redis } = await load();
  const { UnrecoverableError } = bullmq;
  const redis = new Redis(conn);
  const queue = new bullmq.Queue<ChunkJob, ChunkResult>(QUEUE_NAME, { connection: redis });
  const specs = new Map<string, SweepSpec>();
  const specOf = async (sid: string): Promise<SweepSpec> => {
    const known = specs.get(sid);
    if (known !== undefined) return known;
    const text = await redis.get(keys(sid).spec);
    if (text === null) throw new Error(`sweep ${sid} has no spec in Redis (its sweep was removed)`);
    // The checked spec, as the sweep wrote it; a worker of another version could train other bits.
    const stored = JSON.parse(text) as { version: string; spec: SweepSpec };
    if (stored.version !== VERSION) throw new UnrecoverableError(`sweep ${sid} was enqueued by ddpg-wasm ${stored.version}; this worker is ${VERSION} (results must come from one version)`);
    const spec = stored.spec;
    specs.set(sid, spec);
    return spec;
  };

  /** Trains the chunk (or finds its recorded result), then records what follows from it. */
  const processor = async (job: BullMQ.Job<ChunkJob, ChunkResult>): Promise<ChunkResult> => {
    const { sid, trial, chunk, from } = job.data;
    const k = keys(sid), field = `${trial.id}-${chunk}`;
    const recorded = await redis.hget(k.chunks, field);
    let result: ChunkResult;
    if (recorded !== null) result = JSON.parse(recorded) as ChunkResult; // a repeated delivery: the result is known
    else {
      const spec = await specOf(sid);
      const bound = 'steps' in spec.target ? spec.target.steps : Infinity;
      const dir = mkdtempSync(join(tmpdir(), 'ddpg-wasm-chunk-'));
      try {
        if (from !== null) {
          const bytes = await redis.getBuffer(k.blob(trial.id, from));
          if (bytes === null) throw new Error(`the checkpoint of ${trial.id} after chunk ${chunk - 1} (${from}) is missing from Redis`);
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
          await redis.set(k.blob(trial.id, hash), pack(dir), 'NX');
        }
        result = { hash, final, steps, error };
        say(`${sid} ${trial.id} chunk ${chunk}: ${error ?? `${steps} steps, ${hash!.slice(0, 12)}${final ? ' (done)' : ''}`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await redis.hsetnx(k.chunks, field, JSON.stringify(result));
      result = JSON.parse((await redis.hget(k.chunks, field))!) as ChunkResult;
    }
    // What follows, each step idempotent: progress, then the next chunk or the trial's end, then the old state's removal.
    await redis.hset(k.steps, trial.id, String(result.steps));
    if (result.final) await redis.hsetnx(k.done, trial.id, JSON.stringify(result));
    else await queue.add('chunk', { sid, trial, chunk: chunk + 1, from: result.hash }, jobOptions(sid, trial.id, chunk + 1, job.opts.priority ?? 0));
    if (from !== null) await redis.del(k.blob(trial.id, from));
    return result;
  };

  const worker = new bullmq.Worker<ChunkJob, ChunkResult>(QUEUE_NAME, processor, {
    connection: redis, concurrency: 1, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 10,
    name: `${hostname()}:${process.pid}`,
  });
  worker.on('error', (e) => warn(message(e))); // a lost connection and the like: shown even with --quiet
  worker.on('failed', (job, e) => { if (job !== undefined) say(`${job.id}: attempt ${job.attemptsMade} failed: ${message(e)}`); });
  try {
    await Promise.race([worker.waitUntilReady(), stopped]);
    say(`Worker ${hostname()}:${process.pid} on ${url} (queue ${QUEUE_NAME})`);
    await stopped;
  } finally {
    await worker.close();
    await queue.close();
    await redis.quit();
  }
}
