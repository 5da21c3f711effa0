/**
 * The test:queue suites' Redis: a real redis-server started on 127.0.0.1 on a
 * free port, without persistence, in a temporary directory (no mock), and the
 * `ddpg-wasm worker` processes they run against it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { type Running, start } from '../cli/helpers.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const srv = createServer();
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const port = (srv.address() as { port: number }).port;
    srv.close(() => resolve(port));
  });
});

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** A client of it (maxRetriesPerRequest: null, as BullMQ needs). */
  readonly redis: Redis;
  stop(): Promise<void>;
}

/** Starts redis-server in `dir` and connects to it (fails with the apt-get hint when it is not installed). */
export async function startRedis(dir: string): Promise<RedisServer> {
  const port = await freePort();
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  let failed: Error | null = null;
  proc.on('error', (e) => { failed = e; });
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined); // refused while redis-server starts: connect() below retries
  for (let i = 0; ; i++) {
    if (failed !== null) throw new Error(`cannot start redis-server (apt-get install redis-server): ${(failed as Error).message}`);
    try {
      await redis.connect();
      break;
    } catch (e) {
      if (i > 100) throw e;
      await sleep(50);
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`, port, redis,
    stop: async () => {
      await redis.quit().catch(() => undefined);
      proc.kill('SIGKILL');
    },
  };
}

/** Every key left in Redis but BullMQ's own keys of the queue (what a finished sweep must leave). */
export async function leftKeys(redis: Redis): Promise<string[]> {
  return (await redis.keys('*')).filter((k) => !/^bull:ddpg-wasm:(id|meta|events|stalled-check)$/.test(k)).sort();
}

export interface Worker extends Running {
  /** Resolves once the worker has connected and takes jobs (its first line). */
  readonly ready: Promise<void>;
}

/** Starts `ddpg-wasm worker --queue URL …extra`. */
export function worker(url: string, extra: readonly string[] = []): Worker {
  const w = start(['worker', '--queue', url, ...extra]);
  let err = '';
  const ready = new Promise<void>((resolve) => {
    w.child.stderr!.on('data', (s: string) => {
      err += s;
      if (err.includes(` on ${url} `)) resolve();
    });
  });
  return { ...w, ready };
}

/** The name BullMQ's active jobs give a worker process (job.processedBy). */
export const workerName = (w: Running): string => `${hostname()}:${w.child.pid}`;
