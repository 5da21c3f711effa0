// Issue 14, item 1: `ddpg-wasm eval` on a small crafted file (a valid checksum,
// a header claiming two 30 000-unit layers over a small actor block) exits with
// code 1 and a one-line message, without building the network (before the fix:
// 12.5 s and gigabytes). The bound is loose: it includes starting node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { makeEnv } from '../../src/envs/make.js';
import { decodeContainer } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

beforeAll(ensureBuilt, 180_000);

function crafted(kind: 'policy' | 'full'): Uint8Array {
  const bytes = new DDPG(makeEnv('Pendulum-v1'), { actorLayers: [8], criticLayers: [8], bufferSize: 100 }).save({ kind });
  const { header, blocks } = decodeContainer(bytes, 'test', ['policy', 'full']);
  const { blocks: _list, ...h } = structuredClone(header) as typeof header & { actor: { spec: { layers: unknown[] } } };
  void _list;
  h.actor.spec.layers.splice(0, 1, { units: 30_000, activation: 'relu' }, { units: 30_000, activation: 'relu' });
  return encodeContainer(h, [...blocks].map(([name, data]) => ({ name, data })));
}

describe('ddpg-wasm eval on a crafted file', () => {
  it.each(['policy', 'full'] as const)('a %s file claiming two 30 000-unit layers: exit 1, one line, quickly', async (kind) => {
    const file = join(tempDir(), `${kind}.ddpg`);
    writeFileSync(file, crafted(kind));
    const t0 = performance.now();
    const r = await cli('eval', '--checkpoint', file, '--episodes', '1');
    const ms = performance.now() - t0;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('ddpg-wasm: error: ddpg-wasm policy refused: the actor layout does not match its spec\n');
    expect(ms).toBeLessThan(5000);
  });
});
