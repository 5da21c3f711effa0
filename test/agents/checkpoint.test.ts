// save()/load(): full round trips (in this process and in a fresh `node`
// process), the policy-only file, and refusal of broken files with the caller's
// env left exactly as it was.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { decodeContainer } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { makeEnv } from '../../src/envs/make.js';
import type { Pendulum } from '../../src/envs/pendulum.js';
import { fnv1a32 } from '../../src/nn/hash.js';
import { decodeNetwork, networkToBytes } from '../../src/nn/serialize.js';
import { Policy } from '../../src/policy/policy.js';
import { Rng } from '../../src/rng.js';
import { SHORT_PENDULUM, ToyEnv, firstByteDifference, smallAgent } from './helpers.js';
import { transpileForNode, type Transpiled } from './transpile.js';

/** 300 = 6 episodes of 50 steps: also run 290 so the save lands mid-episode. */
const FIRST = 290, SECOND = 310;

/** A fresh Pendulum with the helpers' time limit, stepped `k` steps into an episode. */
function envMidEpisode(k = 7): Pendulum {
  const env = makeEnv('Pendulum-v1', { ...SHORT_PENDULUM, seed: 42 });
  env.reset();
  for (let i = 0; i < k; i++) env.step([0.5]);
  return env;
}

/** Decodes a file, lets `edit` change its header, re-encodes (valid checksum). */
function rewrite(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const { header, blocks } = decodeContainer(bytes, 'test', ['full', 'policy']);
  const h = structuredClone(header) as Record<string, unknown>;
  edit(h);
  const order = header.blocks.map((b) => ({ name: b.name, data: blocks.get(b.name)! }));
  delete h.blocks;
  return encodeContainer(h as typeof header, order);
}

/** Replaces one f32 block's data (same length), re-encoding with a valid checksum. */
function rewriteBlock(bytes: Uint8Array, name: string, edit: (d: Float32Array) => void): Uint8Array {
  const { header, blocks } = decodeContainer(bytes, 'test', ['full', 'policy']);
  const order = header.blocks.map((b) => {
    const data = blocks.get(b.name)!;
    if (b.name === name) edit(data as Float32Array);
    return { name: b.name, data };
  });
  const { blocks: _drop, ...rest } = header;
  return encodeContainer(rest, order);
}

function withChecksum(bytes: Uint8Array): Uint8Array {
  const end = bytes.length - 4;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(end, fnv1a32(bytes.subarray(0, end)), true);
  return bytes;
}

describe('full checkpoint: resume ≡ never stopped', () => {
  let straight: DDPG;
  let saved: Uint8Array;

  beforeAll(async () => {
    straight = smallAgent(9);
    await straight.learn(FIRST + SECOND);
    const first = smallAgent(9);
    await first.learn(FIRST);
    saved = first.save();
  });

  it('load into a fresh env instance + learn ≡ one straight learn (same weightsHash and save bytes)', async () => {
    const resumed = DDPG.load(saved, makeEnv('Pendulum-v1', SHORT_PENDULUM));
    await resumed.learn(SECOND);
    expect(resumed.weightsHash()).toBe(straight.weightsHash());
    expect(firstByteDifference(resumed.save(), straight.save())).toBe(-1);
  });

  it('load without an env builds the built-in env with the saved time limit, and resumes identically', async () => {
    const resumed = DDPG.load(saved);
    expect(resumed.env.maxEpisodeSteps).toBe(SHORT_PENDULUM.maxEpisodeSteps);
    await resumed.learn(SECOND);
    expect(resumed.weightsHash()).toBe(straight.weightsHash());
  });

  it('load without an env rebuilds the saved physics (Pendulum g = 2 stays 2)', async () => {
    const a = smallAgent(3, {}, makeEnv('Pendulum-v1', { ...SHORT_PENDULUM, g: 2 }));
    await a.learn(60);
    const b = DDPG.load(a.save());
    expect((b.env as Pendulum).g).toBe(2);
    expect(b.env.maxEpisodeSteps).toBe(SHORT_PENDULUM.maxEpisodeSteps);
    await a.learn(40);
    await b.learn(40);
    expect(b.weightsHash()).toBe(a.weightsHash());
  });

  it('save → load → save reproduces the file byte for byte', () => {
    expect(firstByteDifference(DDPG.load(saved).save(), saved)).toBe(-1);
  });

  it("sets the given env to the saved episode state (the caller's env continues the saved episode)", () => {
    const env = envMidEpisode();
    DDPG.load(saved, env);
    // 290 steps of 50-step episodes: 40 steps into the sixth episode.
    expect(env.getState().elapsedSteps).toBe(40);
  });

  describe('in a fresh node process', () => {
    let build: Transpiled;
    beforeAll(() => { build = transpileForNode(['test/agents/resume-child.ts']); });
    afterAll(() => build?.dispose());

    it('load + learn in another process ≡ one straight learn here', () => {
      const file = join(build.dir, 'checkpoint.bin');
      writeFileSync(file, saved);
      const out = execFileSync(process.execPath, [join(build.dir, 'test/agents/resume-child.js'), file, String(SECOND), String(SHORT_PENDULUM.maxEpisodeSteps)], { encoding: 'utf8' });
      const child = JSON.parse(out) as { hash: string; saveChecksum: number };
      expect(child).toEqual({ hash: straight.weightsHash(), saveChecksum: fnv1a32(straight.save()) });
    });
  });
});

describe('policy round trip: act() bit for bit', () => {
  let agent: DDPG;
  const obs: Float32Array[] = [];

  beforeAll(async () => {
    agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 2, bufferSize: 1000 });
    await agent.learn(30);
    const rng = new Rng(5);
    for (let i = 0; i < 50; i++) obs.push(Float32Array.of(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)));
  });

  const same = (act: (o: Float32Array) => Float32Array): boolean => obs.every((o) => act(o)[0] === agent.act(o)[0]);

  it('Policy.load of a policy file acts like the agent', () => {
    const p = Policy.load(agent.save({ kind: 'policy' }));
    expect([p.envId, p.obsDim, p.actDim]).toEqual(['Pendulum-v1', 3, 1]);
    expect(same((o) => p.act(o))).toBe(true);
  });

  it('Policy.load of a full file acts like the agent', () => {
    const p = Policy.load(agent.save());
    expect(same((o) => p.act(o))).toBe(true);
  });

  it('DDPG.load of a full file acts like the agent', () => {
    const back = DDPG.load(agent.save());
    expect(same((o) => back.act(o))).toBe(true);
  });

  it('a policy file is a small fraction of the full one (no critic, moments or buffer)', () => {
    // actor 67 073 parameters (+ padding) ≈ 270 kB; the full file adds 3 more networks, 4 moment blocks and the buffer.
    expect(agent.save({ kind: 'policy' }).length).toBeLessThan(agent.save().length / 5);
  });

  it('Policy.act allocates nothing with out and returns it', () => {
    const p = Policy.load(agent.save({ kind: 'policy' }));
    const out = new Float32Array(1);
    expect(p.act(obs[0]!, out)).toBe(out);
  });
});

describe('refusing broken files, the env left untouched', () => {
  let good: Uint8Array;
  let policyFile: Uint8Array;

  beforeAll(async () => {
    const a = smallAgent(1);
    await a.learn(120);
    good = a.save();
    policyFile = a.save({ kind: 'policy' });
  });

  /** Loads `bytes` into a mid-episode env; returns the error message; checks the env did not change. */
  function refused(bytes: Uint8Array, env: ReturnType<typeof makeEnv> = envMidEpisode()): string {
    const before = JSON.stringify(env.getState!());
    let message = '';
    try {
      DDPG.load(bytes, env);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(JSON.stringify(env.getState!())).toBe(before);
    return message;
  }

  it('control: a good file does change the env (the untouched-env check can fail)', () => {
    const env = envMidEpisode();
    const before = JSON.stringify(env.getState());
    DDPG.load(good, env);
    expect(JSON.stringify(env.getState())).not.toBe(before);
  });

  it('a truncated file', () => {
    expect(refused(good.slice(0, good.length - 1000))).toMatch(/truncated or corrupted/);
  });

  it('a file cut inside its header', () => {
    expect(refused(good.slice(0, 64))).toMatch(/does not fit|truncated/);
  });

  it('a file of a few bytes', () => {
    expect(refused(good.slice(0, 10))).toMatch(/too short \(10 bytes\)/);
  });

  it('one corrupted byte in the weights', () => {
    const bad = good.slice();
    bad[Math.floor(bad.length / 2)]! ^= 0x10;
    expect(refused(bad)).toMatch(/checksum mismatch/);
  });

  it('one corrupted byte in the JSON header', () => {
    const bad = good.slice();
    bad[40]! ^= 0x01;
    expect(refused(bad)).toMatch(/checksum mismatch/);
  });

  it('the old format version 1, or a newer one than 3', () => {
    for (const v of [1, 4]) {
      const bad = good.slice();
      new DataView(bad.buffer).setUint32(8, v, true);
      expect(refused(withChecksum(bad))).toMatch(new RegExp(`checkpoint refused: format version ${v} is not supported; this library reads versions 2 and 3`));
    }
  });

  it('a network file or a replay buffer file, naming what it is', () => {
    const a = smallAgent(1);
    expect(refused(networkToBytes(a.actor))).toMatch(/checkpoint refused: it is a network file, not a full checkpoint or policy file/);
    expect(refused(a.buffer.save())).toMatch(/checkpoint refused: it is a replay buffer file, not a full checkpoint or policy file/);
    expect(() => Policy.load(networkToBytes(a.actor))).toThrow(/policy refused: it is a network file, not a policy file or full checkpoint/);
    expect(() => decodeNetwork(policyFile)).toThrow(/network refused: it is a policy file, not a network file/);
  });

  it('a file whose header claims more than it holds, refused before allocating (a 2^40-float block)', () => {
    const { header, blocks } = decodeContainer(policyFile, 'test', ['policy']);
    const h = { ...header, blocks: undefined };
    const claim = new TextEncoder().encode(JSON.stringify({ ...h, blocks: [{ name: 'actor', type: 'f32', length: 2 ** 40 }] }));
    const bytes = encodeContainer(h as unknown as typeof header, [...blocks].map(([name, data]) => ({ name, data })));
    // Same framing, header replaced by the claim (padded), checksum re-sealed.
    const H = Math.ceil(claim.length / 4) * 4;
    const forged = new Uint8Array(16 + H + (bytes.length - 16 - new DataView(bytes.buffer).getUint32(12, true)));
    forged.set(bytes.subarray(0, 16));
    new DataView(forged.buffer).setUint32(12, H, true);
    forged.fill(0x20, 16, 16 + H);
    forged.set(claim, 16);
    forged.set(bytes.subarray(16 + new DataView(bytes.buffer).getUint32(12, true)), 16 + H);
    expect(refused(withChecksum(forged))).toMatch(new RegExp(`checkpoint refused: expected ${16 + H + 4 * 2 ** 40 + 4} bytes, got ${forged.length}`));
  });

  it('not a checkpoint at all', () => {
    expect(refused(new TextEncoder().encode('{"hello": "world", "padding": "................"}'))).toMatch(/checkpoint refused: not a ddpg-wasm file \(bad magic\)/);
  });

  it('the wrong environment (a MountainCarContinuous-v0 env for a Pendulum-v1 file)', () => {
    const car = makeEnv('MountainCarContinuous-v0');
    car.reset(3);
    car.step([0.2]);
    expect(refused(good, car)).toMatch(/saved for Pendulum-v1 .*not for the given env MountainCarContinuous-v0/);
  });

  it('a policy-only file', () => {
    expect(refused(policyFile)).toMatch(/policy-only file; load it with Policy\.load\(\)/);
  });

  it('a valid container with a non-finite weight (nothing half-loaded)', () => {
    const bad = rewriteBlock(good, 'critic', (d) => { d[5] = NaN; });
    expect(refused(bad)).toMatch(/block "critic" holds a non-finite value at 5/);
  });

  it('a valid container whose actor layout disagrees with its config', () => {
    const bad = rewrite(good, (h) => { (h.actor as { size: number }).size += 16; });
    expect(refused(bad)).toMatch(/actor layout in the file does not match/);
  });

  it('a valid container with malformed loop counters', () => {
    const bad = rewrite(good, (h) => { ((h.state as { loop: { steps: number } }).loop).steps = -1; });
    expect(refused(bad)).toMatch(/malformed loop counters/);
  });

  it('a valid container with an invalid config', () => {
    const bad = rewrite(good, (h) => { (h.config as { gamma: number }).gamma = 2; });
    expect(refused(bad)).toMatch(/gamma must be a finite number in \[0, 1\], got 2/);
  });

  it('a valid container whose env snapshot is malformed (the env is the last thing written)', () => {
    const bad = rewrite(good, (h) => { ((h.state as { env: { state: number[] } }).env).state = [1, 2, 3]; });
    expect(refused(bad)).toMatch(/setState/);
  });

  it("the wrong physics (a g = 2 Pendulum for a g = 10 file)", () => {
    const g2 = makeEnv('Pendulum-v1', { ...SHORT_PENDULUM, g: 2 });
    g2.reset(3);
    expect(refused(good, g2)).toMatch(/saved for Pendulum-v1 with options \{"g":10,"maxEpisodeSteps":50\}, not for the given env's \{"g":2,"maxEpisodeSteps":50\}/);
  });

  it.each([
    ['not an object', 7, /env\.options must be an object/],
    ['a non-finite g', { g: null, maxEpisodeSteps: 50 }, /env\.options\.g must be a finite number, got null/],
    ['a time limit differing from the env\'s', { g: 10, maxEpisodeSteps: 51 }, /env\.options\.maxEpisodeSteps \(51\) differs from env\.maxEpisodeSteps \(50\)/],
    ['an option Pendulum does not have', { g: 10, maxEpisodeSteps: 50, mass: 2 }, /env\.options rejected: makeEnv: unknown option mass for Pendulum-v1/],
  ])('a valid container whose env options are broken: %s', (_what, options, message) => {
    const bad = rewrite(good, (h) => { (h.env as { options: unknown }).options = options; });
    expect(refused(bad)).toMatch(message);
    expect(() => DDPG.load(bad)).toThrow(message);
  });

  it('load() without an env for a custom environment id asks for the env', async () => {
    const a = smallAgent(1, {}, new ToyEnv());
    await a.learn(10);
    expect(() => DDPG.load(a.save())).toThrow(/pass the environment to load\(\); "Toy-v0" is not a built-in id/);
  });

  it('Policy.load keeps the stored env options, and refuses broken ones', () => {
    expect(Policy.load(policyFile).envOptions).toEqual({ g: 10, maxEpisodeSteps: 50 });
    const bad = rewrite(policyFile, (h) => { (h.env as { options: unknown }).options = { g: 'heavy' }; });
    expect(() => Policy.load(bad)).toThrow(/policy refused: env\.options\.g must be a finite number, got "heavy"/);
    const custom = rewrite(policyFile, (h) => { delete (h.env as { options?: unknown }).options; });
    expect(Policy.load(custom).envOptions).toBeNull();
  });

  it('Policy.load refuses a truncated file too', () => {
    expect(() => Policy.load(policyFile.slice(0, policyFile.length - 8))).toThrow(/truncated or corrupted/);
  });
});
