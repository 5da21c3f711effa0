// Files with a valid checksum but an inconsistent header (hand-edited or written
// by a buggy tool) are refused whole with a "refused" message, never half-loaded
// or turned into a raw TypeError later.
import { describe, expect, it } from 'vitest';
import { decodeContainer, type BlockData } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { DDPG } from '../../src/agents/ddpg.js';
import { makeEnv } from '../../src/envs/make.js';
import { Policy } from '../../src/policy/policy.js';
import { SHORT_PENDULUM, smallAgent } from './helpers.js';

type Header = Record<string, unknown> & { state: Record<string, unknown> & { loop: Record<string, unknown> } };

/** Re-encodes a file after `edit` changed its header (blocks unchanged, checksum recomputed). */
function forge(bytes: Uint8Array, edit: (h: Header) => void): Uint8Array {
  const { header, blocks } = decodeContainer(bytes, 'test', ['full', 'policy']);
  const h = structuredClone(header) as unknown as Header;
  edit(h);
  const { blocks: _list, ...rest } = h;
  void _list;
  return encodeContainer(rest as unknown as typeof header, [...blocks].map(([name, data]: [string, BlockData]) => ({ name, data })));
}

async function saved(): Promise<Uint8Array> {
  const a = smallAgent(2);
  await a.learn(70); // mid-episode: the loop holds an observation
  return a.save();
}

const load = (b: Uint8Array): DDPG => DDPG.load(b, makeEnv('Pendulum-v1', SHORT_PENDULUM));

describe('forged checkpoints', () => {
  it('an unedited re-encode still loads (the forging itself is sound)', async () => {
    const b = forge(await saved(), () => {});
    expect(() => load(b)).not.toThrow();
  });

  it('refuses a non-numeric episode return', async () => {
    const bad = forge(await saved(), (h) => { h.state.loop.epReturn = 'oops'; });
    expect(() => load(bad)).toThrow(/refused: malformed episode sums/);
  });

  it('refuses a current observation of the wrong length', async () => {
    const bad = forge(await saved(), (h) => { h.state.loop.obs = [1, 0]; });
    expect(() => load(bad)).toThrow(/refused: malformed current observation/);
  });

  it('refuses a missing generator state with a "refused" message, not a TypeError', async () => {
    const bad = forge(await saved(), (h) => { delete h.state.rngs; });
    expect(() => load(bad)).toThrow(/ddpg-wasm checkpoint refused/);
  });

  it('Policy.load refuses an actor whose input width does not match the observation space', async () => {
    const bad = forge(smallAgent(2).save({ kind: 'policy' }), (h) => {
      const env = h.env as { observationSpace: { low: number[]; high: number[] } };
      env.observationSpace = { low: [-1, -1], high: [1, 1] };
    });
    expect(() => Policy.load(bad)).toThrow(/policy refused: the actor .* does not match the spaces/);
  });
});
