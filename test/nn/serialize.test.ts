// Network serialisation: the byte format, bit-exact round trips, and refusal of
// truncated, corrupted or mismatched bytes without touching the target network.
import { describe, expect, it } from 'vitest';
import {
  decodeNetwork, fnv1a32, loadNetworkParams, networkFromBytes, networkToBytes,
  type Network, type NetworkSpec,
} from '../../src/nn/index.js';
import { FORMAT_VERSION, MAGIC } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { ReplayBuffer } from '../../src/rl/buffer.js';
import { Rng } from '../../src/rng.js';
import { firstBitDifference } from '../kernels/fixtures.js';
import { forward, makeRig, uniformF32 } from './helpers.js';

const CRITIC: NetworkSpec = {
  inputs: [3, 1],
  branches: [[{ units: 16, activation: 'relu' }, { units: 32, activation: 'relu' }], [{ units: 32, activation: 'relu' }]],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1 }],
};
const ACTOR: NetworkSpec = {
  inputs: [3],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1, activation: 'tanh', scale: 2 }],
};

function net(spec: NetworkSpec, seed: number, backend: 'wasm' | 'reference' = 'wasm'): Network {
  const { net: n } = makeRig(backend, spec, { maxBatch: 4 });
  n.init(new Rng(seed));
  return n;
}

/** Re-seals bytes after an edit: recomputes the checksum, so only the deeper checks can object. */
function reseal(b: Uint8Array): Uint8Array {
  new DataView(b.buffer).setUint32(b.length - 4, fnv1a32(b.subarray(0, b.length - 4)), true);
  return b;
}

describe('format', () => {
  const src = net(CRITIC, 1);
  const bytes = networkToBytes(src);
  const dv = new DataView(bytes.buffer);
  const H = dv.getUint32(12, true);

  it('is the one container: magic "DDPGWASM", format version 2', () => {
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe(MAGIC);
    expect([MAGIC, FORMAT_VERSION, dv.getUint32(8, true)]).toEqual(['DDPGWASM', 2, 2]);
  });

  it('has a space-padded JSON header of kind "network" whose length is a multiple of 4', () => {
    expect(H % 4).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + H))) as { kind: string; size: number; blocks: unknown };
    expect([header.kind, header.size, header.blocks]).toEqual(['network', src.size, [{ name: 'params', type: 'f32', length: src.size }]]);
  });

  it('is 16 + H + 4·size + 4 bytes long', () => {
    expect(bytes.length).toBe(16 + H + 4 * src.size + 4);
  });

  it('stores the parameter block as little-endian float32 right after the header', () => {
    const p = src.getParams();
    const i = src.layout.find((t) => t.name === 'layers.0.W')!.offset + 5;
    expect(dv.getFloat32(16 + H + 4 * i, true)).toBe(p[i]);
  });

  it('ends with the FNV-1a 32 of everything before it', () => {
    expect(dv.getUint32(bytes.length - 4, true)).toBe(fnv1a32(bytes.subarray(0, bytes.length - 4)));
  });

  it('decodes to the spec with every default filled in', () => {
    const d = decodeNetwork(bytes);
    expect(d.spec.layers[2]).toEqual({ units: 1, activation: 'identity', scale: 1, kernelInit: 'glorot-uniform', biasInit: 'zeros' });
    expect(d.spec.branches?.length).toBe(2);
  });
});

describe('round trip', () => {
  it('networkFromBytes restores the parameters bit for bit', () => {
    const src = net(CRITIC, 1);
    const back = networkFromBytes(networkToBytes(src), { maxBatch: 4 });
    expect(firstBitDifference(back.getParams(), src.getParams())).toBe(-1);
  });

  it('a network built from the decoded spec computes the same outputs bit for bit', () => {
    // The saved spec has its defaults filled in; it must mean the same function.
    const src = makeRig('wasm', ACTOR, { maxBatch: 1 });
    src.net.init(new Rng(2));
    const bytes = networkToBytes(src.net);
    const back = makeRig('wasm', decodeNetwork(bytes).spec, { maxBatch: 1 });
    loadNetworkParams(back.net, bytes);
    const x = uniformF32(new Rng(5), 3);
    expect(firstBitDifference(forward(back, 1, [x]), forward(src, 1, [x]))).toBe(-1);
  });

  it('loadNetworkParams fills an existing network bit for bit (across backends too)', () => {
    const src = net(CRITIC, 1, 'wasm');
    const dst = net(CRITIC, 2, 'reference');
    loadNetworkParams(dst, networkToBytes(src));
    expect(firstBitDifference(dst.getParams(), src.getParams())).toBe(-1);
  });

  it('keeps the sign of −0', () => {
    const src = net(ACTOR, 1);
    const p = src.getParams();
    p[0] = -0;
    src.setParams(p);
    const back = networkFromBytes(networkToBytes(src));
    expect(Object.is(back.getParams()[0], -0)).toBe(true);
  });

  it('accepts a network whose spec differs only in its initialisers', () => {
    const src = net(ACTOR, 1);
    const paper: NetworkSpec = { ...ACTOR, layers: ACTOR.layers.map((d) => ({ ...d, kernelInit: 'fan-in-uniform' as const })) };
    const dst = net(paper, 2);
    loadNetworkParams(dst, networkToBytes(src));
    expect(firstBitDifference(dst.getParams(), src.getParams())).toBe(-1);
  });

  it('networkFromBytes honours the backend and trainable options', () => {
    const back = networkFromBytes(networkToBytes(net(ACTOR, 1)), { backend: 'reference', trainable: false });
    expect(back.kernels.backend).toBe('reference');
    expect(back.grads).toBeNull();
  });
});

describe('refusals leave the target untouched', () => {
  const good = networkToBytes(net(CRITIC, 1));

  /** Expects loading `bytes` to throw `re` and the target's parameters to stay as they were. */
  function expectRefused(bytes: Uint8Array, re: RegExp, spec: NetworkSpec = CRITIC): void {
    const dst = net(spec, 7);
    const before = dst.getParams();
    expect(() => loadNetworkParams(dst, bytes)).toThrow(re);
    expect(firstBitDifference(dst.getParams(), before)).toBe(-1);
  }

  for (const cut of [1, 4, 5, 1000]) {
    it(`truncated by ${cut} bytes: refused as truncated`, () => {
      expectRefused(good.slice(0, good.length - cut), /truncated/);
    });
  }

  it('truncated inside the header: refused as truncated', () => {
    expectRefused(good.slice(0, 40), /truncated/);
  });

  it('fewer than 20 bytes: refused as too short', () => {
    expectRefused(good.slice(0, 10), /network refused: too short \(10 bytes\)/);
  });

  it('one flipped bit in the parameters: checksum mismatch', () => {
    const b = good.slice();
    b[b.length - 100]! ^= 0x10;
    expectRefused(b, /checksum mismatch/);
  });

  it('one flipped bit in the header: checksum mismatch', () => {
    const b = good.slice();
    b[20]! ^= 0x01;
    expectRefused(b, /checksum mismatch|truncated/);
  });

  it('a wrong magic: refused as not a network', () => {
    const b = good.slice();
    b[7] = 0x32; // "DDPGWAS2"
    expectRefused(b, /network refused: not a ddpg-wasm file \(bad magic\)/);
  });

  it('a version-1 network file (its own magic "DDPGNET1"): refused naming both versions', () => {
    const b = good.slice();
    b.set(new TextEncoder().encode('DDPGNET1'));
    expectRefused(b, /network refused: format version 1 \(magic "DDPGNET1"\) is not supported; this library reads versions 2 and 3/);
  });

  it('a container of format version 1 or 4: refused naming the versions it reads', () => {
    for (const v of [1, 4]) {
      const b = good.slice();
      new DataView(b.buffer).setUint32(8, v, true);
      expectRefused(reseal(b), new RegExp(`network refused: format version ${v} is not supported; this library reads versions 2 and 3`));
    }
  });

  it('a full checkpoint, a policy file or a replay buffer file: refused naming what it is', () => {
    const full = encodeContainer({ kind: 'full' }, [{ name: 'params', data: good.subarray(0, 0) }]);
    expectRefused(full, /network refused: it is a full checkpoint, not a network file/);
    expectRefused(encodeContainer({ kind: 'policy' }, []), /network refused: it is a policy file, not a network file/);
    expectRefused(new ReplayBuffer(4, 3, 1).save(), /network refused: it is a replay buffer file, not a network file/);
    expectRefused(encodeContainer({ kind: 'gradients' as 'network' }, []), /network refused: unknown kind "gradients"/);
  });

  it('an actor loaded into a critic: refused as another shape', () => {
    expectRefused(networkToBytes(net(ACTOR, 1)), /another shape than network/);
  });

  it('same widths but another activation: refused as another shape', () => {
    const relu: NetworkSpec = { ...ACTOR, layers: [...ACTOR.layers.slice(0, 2), { units: 1, activation: 'relu', scale: 2 }] };
    expectRefused(networkToBytes(net(relu, 1)), /another shape/, ACTOR);
  });

  it('a NaN parameter (checksum re-sealed): refused naming the parameter', () => {
    const b = good.slice();
    const H = new DataView(b.buffer).getUint32(12, true);
    new DataView(b.buffer).setFloat32(16 + H + 4 * 3, Number.NaN, true);
    expectRefused(reseal(b), /block "params" holds a non-finite value at 3 \(NaN\)/);
  });

  /** A copy of `good` with one same-length substitution in the JSON header, re-sealed. */
  function editHeader(from: string, to: string): Uint8Array {
    expect(to.length).toBe(from.length); // keeps the frame (lengths) intact
    const b = good.slice();
    const H = new DataView(b.buffer).getUint32(12, true);
    const text = new TextDecoder().decode(b.subarray(16, 16 + H));
    expect(text).toContain(from);
    b.set(new TextEncoder().encode(text.replace(from, to)), 16);
    return reseal(b);
  }

  it('a header layout that does not match its spec (re-sealed): refused', () => {
    expectRefused(editHeader('"offset":0', '"offset":1'), /layout is not the one its spec produces/);
  });

  it('an invalid saved spec (re-sealed): refused quoting the spec error', () => {
    expectRefused(editHeader('"activation":"relu"', '"activation":"gelu"'), /saved spec is invalid: saved\.branches\[0\]\[0\]\.activation/);
  });

  it('not a Uint8Array: TypeError', () => {
    expect(() => decodeNetwork([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('saving', () => {
  it('refuses a network with non-finite parameters', () => {
    const n = net(ACTOR, 1);
    n.heap()[(n.params.ptr >> 2) + 2] = Number.POSITIVE_INFINITY;
    expect(() => networkToBytes(n)).toThrow(/not finite|NaN or infinite/);
  });
});
