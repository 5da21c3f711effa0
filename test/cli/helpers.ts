/**
 * Running the real `ddpg-wasm` binary (dist/cli/main.js) as a child process.
 * `npm test` builds first; when dist/ is missing or older than src/ (a direct
 * `npx vitest run test/cli`), ensureBuilt() runs `npm run build` once, guarded
 * by a lock directory so parallel test files do not build at the same time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = (): boolean => !existsSync(MAIN) || statSync(MAIN).mtimeMs < newestMtime(join(ROOT, 'src'));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function ensureBuilt(): Promise<void> {
  if (!stale()) return;
  // The lock lives in build/, not dist/: the build empties dist/ (it would delete the
  // lock under its holder, and a waiting test file would then build concurrently).
  const lock = join(ROOT, 'build', '.dist-test-build.lock');
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  for (const end = Date.now() + 180_000; ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > end) throw new Error(`${lock} is held for 3 minutes: a crashed build? remove it`);
      await sleep(200); // another test file is building
    }
  }
  try {
    if (stale()) {
      const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
      // A type error elsewhere in src/ fails tsc but still emits dist/ (typecheck is its own
      // step of npm test); only a build that left dist/ stale stops these tests.
      if (stale()) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<CliResult>;
}

/** Starts `node [node.args] dist/cli/main.js ...args` (stdout/stderr are pipes: not a TTY). */
export function start(args: readonly string[], cwd = ROOT, node: { args?: readonly string[]; env?: Readonly<Record<string, string>> } = {}): Running {
  const child = spawn(process.execPath, [...(node.args ?? []), MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...node.env } });
  let stdout = '', stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export const cli = (...args: string[]): Promise<CliResult> => start(args).done;

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'ddpg-wasm-cli-'));

/** A new temporary directory (`base`) holding `value` as spec.json (`spec`, its path). */
export function tempSpec(value: object): { base: string; spec: string } {
  const base = tempDir(), spec = join(base, 'spec.json');
  writeFileSync(spec, JSON.stringify(value));
  return { base, spec };
}

/** Polls `cond` every 25 ms until it holds (or throws after `ms`). */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * The resume check of the issue-16 tests: `train ...args` to `steps` straight in
 * DIR/straight, and to `half` then `--resume`d to `steps` in DIR/half (in a new
 * temporary DIR, returned). Throws naming the run that did not exit cleanly.
 */
export async function straightAndResumed(args: readonly string[], steps: number, half: number): Promise<string> {
  await ensureBuilt();
  const dir = tempDir();
  const ok = (r: CliResult, what: string): void => {
    if (r.code !== 0 || r.stderr !== '') throw new Error(`${what}: exit ${r.code}\n${r.stderr}`);
  };
  const [a, b] = await Promise.all([
    cli('train', '--steps', String(steps), ...args, '--out', join(dir, 'straight')),
    cli('train', '--steps', String(half), ...args, '--out', join(dir, 'half')),
  ]);
  ok(a, 'the straight run');
  ok(b, 'the first half');
  ok(await cli('train', '--resume', join(dir, 'half', 'checkpoint.ddpg'), '--steps', String(steps)), 'the resumed run');
  return dir;
}
