/**
 * The example Cloudflare Worker (examples/worker/worker.mjs) in a real workerd
 * on loopback, importing the package through its `workerd` export condition
 * (dist/workerd.js + kernels.wasm as a module).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DDPG, makeEnv, Policy } from '../../../src/index.js';
import { startWorkerd, type RunningWorkerd } from '../../../examples/worker/workerd-config.mjs';

const WORKER = fileURLToPath(new URL('../../../examples/worker/worker.mjs', import.meta.url));
/** The crosscheck's run: keras preset, seed 7, 2 000 steps. */
const SEED = 7, STEPS = 2000;
/** 4 000 ms at the Worker's 6 ms/step → 666 steps per call: calls end mid-episode (Pendulum episodes are 200 steps). */
const BUDGET_MS = 4000;

let worker: RunningWorkerd;
let policyBytes: Uint8Array;

beforeAll(async () => {
  // A quickly trained policy to embed (its quality does not matter here, only that /act reproduces it).
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 3 });
  await agent.learn(300);
  policyBytes = agent.save({ kind: 'policy' });
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-worker-test-'));
  writeFileSync(join(dir, 'policy.bin'), policyBytes);
  worker = await startWorkerd(WORKER, [{ name: 'policy.bin', path: join(dir, 'policy.bin'), type: 'data' }]);
});

afterAll(async () => {
  await worker?.stop();
});

const post = (path: string, body: BodyInit | null): Promise<Response> => fetch(worker.url + path, { method: 'POST', body });
const errorOf = async (res: Response): Promise<string> => ((await res.json()) as { error: string }).error;

/** workerd's peak resident memory in KiB since the last reset (null where /proc is missing or the process is a wrapper). */
function peakRssKiB(reset = false): number | null {
  try {
    if (!/^Name:\s*workerd/m.test(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))) return null;
    if (reset) writeFileSync(`/proc/${worker.pid}/clear_refs`, '5');
    return Number(/^VmHWM:\s*(\d+)/m.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]);
  } catch {
    return null;
  }
}

/**
 * POSTs `total` zero bytes, stopping as soon as an answer arrives; resolves with
 * it and the bytes written by then. declare: a Content-Length with `Expect:
 * 100-continue`, so the body is sent only if the Worker reads it; otherwise a
 * chunked stream, written 64 KiB per millisecond. (A client still writing when
 * workerd closes the connection gets EPIPE or a reset instead of the answer, which
 * is why fetch is not used here.)
 */
function postZeros(path: string, total: number, declare: boolean): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const headers = declare ? { 'content-length': total, expect: '100-continue' } : {};
    const req = request(worker.url + path, { method: 'POST', headers });
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0, answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => {
        resolve({ status: res.statusCode!, body, sent });
        req.destroy();
      });
    });
    req.on('error', (e) => answered || reject(e));
    const pump = async (): Promise<void> => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        await new Promise((r) => setTimeout(r, 1));
      }
      if (!answered) req.end();
    };
    if (declare) req.on('continue', () => void pump());
    else void pump();
  });
}

describe('examples/worker in workerd', () => {
  it('POST /act returns the embedded policy’s action, bit for bit as Policy.act in Node', async () => {
    const policy = Policy.load(policyBytes);
    for (const obs of [[1, 0, 0], [-1, 0, 0.5], [0.6, -0.8, -7.9]]) {
      const res = await post('/act', JSON.stringify({ obs }));
      expect(res.status).toBe(200);
      const { action } = (await res.json()) as { action: number[] };
      expect(action).toEqual(Array.from(policy.act(obs)));
    }
  });

  it('POST /act answers 400 naming the problem for an observation of the wrong length', async () => {
    const res = await post('/act', JSON.stringify({ obs: [1, 0] }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/obs must have length 3/);
  });

  it('POST /train with an empty body starts a new agent (keras, seed S) and trains it, as in Node', async () => {
    const res = await post('/train?steps=5&seed=11', null);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('x-ddpg-trained')).toBe('5');
    expect(res.headers.get('x-ddpg-remaining')).toBe('0');
    const direct = await new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 11 }).learn(5);
    expect(res.headers.get('x-ddpg-weights-hash')).toBe(direct.weightsHash());
  });

  it('a chain of /train calls ends at the weightsHash of one uninterrupted run in Node', async () => {
    const fresh = () => new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: SEED });
    const direct = await fresh().learn(STEPS);
    let checkpoint: Uint8Array = fresh().save();
    let remaining = STEPS, calls = 0, hash = '';
    while (remaining > 0) {
      const res = await post(`/train?steps=${remaining}&budgetMs=${BUDGET_MS}`, checkpoint as Uint8Array<ArrayBuffer>);
      expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
      expect(Number(res.headers.get('x-ddpg-trained'))).toBeLessThanOrEqual(Math.floor(BUDGET_MS / 6));
      remaining = Number(res.headers.get('x-ddpg-remaining'));
      hash = res.headers.get('x-ddpg-weights-hash') ?? '';
      checkpoint = new Uint8Array(await res.arrayBuffer());
      calls++;
    }
    // 666 steps per call by the cost estimate; more calls if this machine is slower than it (the clock check).
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(STEPS / Math.floor(BUDGET_MS / 6)));
    expect(hash).toBe(direct.weightsHash());
    expect(DDPG.load(checkpoint).save()).toEqual(direct.save());
  });
});

describe('examples/worker limits in workerd', () => {
  it('a 100 MB /act body with Content-Length → 413 naming the limit, without workerd’s memory growing by it', async () => {
    const before = peakRssKiB(true);
    const { status, body, sent } = await postZeros('/act', 100 * 2 ** 20, true);
    expect(status).toBe(413);
    expect((JSON.parse(body) as { error: string }).error).toMatch(/limit of 4096 bytes/);
    expect(sent).toBe(0); // answered from the Content-Length alone: workerd never asked for the body
    const after = peakRssKiB();
    if (before !== null && after !== null) expect(after - before).toBeLessThan(32 * 1024);
  });

  it('a chunked /train body without Content-Length → 413 once past the 8 MiB limit, read no further', async () => {
    const before = peakRssKiB(true);
    const { status, body, sent } = await postZeros('/train?steps=1', 256 * 2 ** 20, false);
    expect(status).toBe(413);
    expect((JSON.parse(body) as { error: string }).error).toMatch(/limit of 8388608 bytes/);
    expect(sent).toBeLessThan(256 * 2 ** 20);
    const after = peakRssKiB();
    if (before !== null && after !== null) expect(after - before).toBeLessThan(64 * 1024);
  });

  it('malformed input → 400 with the reason: JSON, UTF-8, obs, checkpoint bytes, query parameters', async () => {
    const cases: [string, BodyInit, RegExp][] = [
      ['/act', '{"obs": [1, 0,', /JSON/],
      ['/act', new Uint8Array([0x7b, 0xff, 0x7d]), /./],
      ['/act', '{"obs": "1,0,0"}', /expects \{"obs": \[numbers\]\}/],
      ['/act', '{"obs": [1, 0, "x"]}', /obs\[2\] is string \(must be finite in float32\)/],
      ['/act', '{"obs": [1, 0, 1e39]}', /obs\[2\]/],
      ['/train?steps=1', new Uint8Array(1000).fill(7), /checkpoint refused/],
      ['/train?steps=1', policyBytes as Uint8Array<ArrayBuffer>, /policy-only/],
      ['/train?steps=-1', '', /steps must be an integer/],
      ['/train?steps=1&budgetMs=1e9', '', /budgetMs must be an integer in \[0, 300000\]/],
    ];
    for (const [path, body, why] of cases) {
      const res = await post(path, body);
      expect(res.status, path).toBe(400);
      expect(await errorOf(res)).toMatch(why);
    }
  });

  it('wrong method → 405 with Allow: POST; unknown path → 404; both JSON', async () => {
    const get = await fetch(worker.url + '/act');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await errorOf(get)).toMatch(/POST/);
    const none = await post('/nope', '{}');
    expect(none.status).toBe(404);
    expect(await errorOf(none)).toMatch(/\/nope/);
  });

  it('a checkpoint with gradientSteps = 3000 is refused (400) when one step outlasts the budget', async () => {
    const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 1, gradientSteps: 3000 });
    const t0 = performance.now();
    const res = await post('/train?steps=100&budgetMs=6', agent.save() as Uint8Array<ArrayBuffer>);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatch(/gradientSteps 3000 .* over the budget of 6 ms/);
    // No training ran: loading and refusing takes well under a second (9 s before the limits).
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('a heavier config trains only what its budget holds, the same steps as in Node', async () => {
    // gradientSteps 8: 8 × 6 ms per step, so a 1 200 ms budget holds 25 steps.
    const make = () => new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 2, gradientSteps: 8 });
    const budgetMs = 1200, t0 = performance.now();
    const res = await post(`/train?steps=1000&budgetMs=${budgetMs}`, make().save() as Uint8Array<ArrayBuffer>);
    const elapsed = performance.now() - t0;
    expect(res.status, await res.clone().text()).toBe(200);
    const trained = Number(res.headers.get('x-ddpg-trained'));
    expect(trained).toBeGreaterThan(0);
    expect(trained).toBeLessThanOrEqual(25);
    expect(Number(res.headers.get('x-ddpg-remaining'))).toBe(1000 - trained);
    expect(elapsed).toBeLessThan(10 * budgetMs);
    expect(res.headers.get('x-ddpg-weights-hash')).toBe((await make().learn(trained)).weightsHash());
  });
});
