/**
 * Where a queued sweep keeps its trials' states between chunks (queue.ts): in
 * Redis (the default) or in a directory every worker mounts (`--store DIR`).
 * A state is the pack() of a run directory (checkpoint, metrics, run.json; a
 * finished trial's also summary, policy and curve), addressed by the trial and
 * the SHA-256 of its checkpoint. Both stores hold the same bytes under the
 * same address and keep the first writer's: a chunk trained twice (a retried
 * job) stores nothing new, only metrics' timings could differ.
 *
 * Directory layout: DIR/<sweep id>/ holds sweep.json (the sweep's spec, written
 * by `sweep`: a worker that does not find it was given another directory) and
 * a file TRIAL.HASH per state, written atomically (a temporary file, fsync,
 * then a hard link to the final name, which fails when it exists: first writer
 * wins; rename where links are not supported; then an fsync of the folder, as
 * RunDir.writeAtomic does).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis as RedisClient } from 'ioredis';
import { RunDir, syncDir, writeSynced } from './run-dir.js';

export interface StateStore {
  /** Stores a state unless one is stored at that address (first writer wins). */
  put(trial: string, hash: string, bytes: Buffer): Promise<void>;
  /** The state, or null when there is none. */
  get(trial: string, hash: string): Promise<Buffer | null>;
  del(trial: string, hash: string): Promise<void>;
  /** Removes every state of the sweep (and, for a directory, its folder). */
  clear(): Promise<void>;
  /** Where a state lives, for messages. */
  where(trial: string, hash: string): string;
}

/** The sweep's Redis keys that hold states: ddpg-wasm:SID:blob:TRIAL:HASH. */
export function redisStore(redis: RedisClient, prefix: string): StateStore {
  const key = (trial: string, hash: string): string => `${prefix}:blob:${trial}:${hash}`;
  return {
    put: async (trial, hash, bytes) => { await redis.set(key(trial, hash), bytes, 'NX'); },
    get: (trial, hash) => redis.getBuffer(key(trial, hash)),
    del: async (trial, hash) => { await redis.del(key(trial, hash)); },
    clear: async () => {
      // States a late duplicate of a chunk stored after its successor removed them (SCAN: no blocking KEYS).
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:blob:*`, 'COUNT', 1000);
        if (found.length > 0) await redis.del(...found);
        cursor = next;
      } while (cursor !== '0');
    },
    where: (trial, hash) => `Redis key ${key(trial, hash)}`,
  };
}

/** The marker a sweep writes in its store folder (a worker checks it to catch a wrong mount). */
export const STORE_MARKER = 'sweep.json';

export function dirStore(root: string, sid: string): StateStore & { readonly dir: string } {
  const dir = join(root, sid);
  const file = (trial: string, hash: string): string => join(dir, `${trial}.${hash}`);
  return {
    dir,
    put: async (trial, hash, bytes) => {
      const target = file(trial, hash);
      if (existsSync(target)) return;
      const tmp = join(dir, `.${trial}.${hash}.${hostname()}-${process.pid}-${randomUUID()}`);
      writeSynced(tmp, bytes, 'wx');
      try {
        linkSync(tmp, target);
        unlinkSync(tmp);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') unlinkSync(tmp); // another writer was first: the same checkpoint
        else renameSync(tmp, target); // no hard links on this filesystem: still atomic, last writer wins
      }
      syncDir(dir);
    },
    get: async (trial, hash) => {
      try {
        return readFileSync(file(trial, hash));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    del: async (trial, hash) => { rmSync(file(trial, hash), { force: true }); },
    clear: async () => { rmSync(dir, { recursive: true, force: true }); },
    where: (trial, hash) => file(trial, hash),
  };
}

/** Creates the sweep's store folder with its marker (the sweep's side). */
export function createDirStore(root: string, sid: string, specText: string): StateStore {
  const store = dirStore(root, sid);
  const folder = new RunDir(store.dir);
  folder.create();
  if (!existsSync(folder.file(STORE_MARKER))) folder.writeAtomic(STORE_MARKER, specText);
  return store;
}
