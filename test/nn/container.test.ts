// The one binary container (src/nn/container.ts): its framing, exact round
// trips of f32 and u8 blocks, and refusal of files whose block list is malformed
// or claims more bytes than are present. The readers built on it (checkpoints,
// Policy.load, network files, replay buffer saves) are tested in their own files.
import { describe, expect, it } from 'vitest';
import { decodeContainer, FORMAT_VERSION, MAGIC } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { fnv1a32 } from '../../src/nn/hash.js';
import { VERSION } from '../../src/version.js';

/** A container with the given header text (space-padded to 4) and block bytes, checksum sealed. */
function frame(json: string, body = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(json);
  const H = Math.ceil(text.length / 4) * 4;
  const b = new Uint8Array(16 + H + body.length + 4);
  const dv = new DataView(b.buffer);
  b.set(new TextEncoder().encode(MAGIC));
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(12, H, true);
  b.fill(0x20, 16, 16 + H);
  b.set(text, 16);
  b.set(body, 16 + H);
  dv.setUint32(b.length - 4, fnv1a32(b.subarray(0, b.length - 4)), true);
  return b;
}

describe('one container', () => {
  const f32 = new Float32Array([1.5, -0, 3e38, -1e-45]);
  const u8 = new Uint8Array([7, 0, 255, 1, 9]); // 5 bytes: padded to 8
  const bytes = encodeContainer({ kind: 'buffer', extra: { a: [1, 2] } }, [{ name: 'x', data: f32 }, { name: 'y', data: u8 }]);

  it('frames kind, library, the fields and the block list, then the padded blocks and the checksum', () => {
    const dv = new DataView(bytes.buffer);
    const H = dv.getUint32(12, true);
    expect([new TextDecoder().decode(bytes.subarray(0, 8)), dv.getUint32(8, true)]).toEqual(['DDPGWASM', 2]);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + H)))).toEqual({
      kind: 'buffer', library: VERSION, extra: { a: [1, 2] },
      blocks: [{ name: 'x', type: 'f32', length: 4 }, { name: 'y', type: 'u8', length: 5 }],
    });
    expect(bytes.length).toBe(16 + H + 16 + 8 + 4);
    expect([...bytes.subarray(16 + H + 16, 16 + H + 24)]).toEqual([7, 0, 255, 1, 9, 0, 0, 0]);
    expect(dv.getUint32(bytes.length - 4, true)).toBe(fnv1a32(bytes.subarray(0, bytes.length - 4)));
  });

  it('decodes to the same bits (−0 and subnormals included) and re-encodes to the same bytes', () => {
    const c = decodeContainer(bytes, 'test', ['buffer']);
    expect(new Uint32Array(c.block('x', 'f32', 4).buffer)).toEqual(new Uint32Array(f32.buffer));
    expect(c.block('y', 'u8', 5)).toEqual(u8);
    const again = encodeContainer(c.header, c.header.blocks.map((b) => ({ name: b.name, data: c.blocks.get(b.name)! })));
    expect(again).toEqual(bytes);
  });

  it('block() refuses a missing block, a wrong type or a wrong length, naming the reader', () => {
    const c = decodeContainer(bytes, 'test', ['buffer']);
    expect(() => c.block('z', 'f32', 1)).toThrow(/ddpg-wasm test refused: block "z" is missing or has the wrong size \(want 1 floats\)/);
    expect(() => c.block('y', 'f32', 5)).toThrow(/block "y" is missing or has the wrong size/);
    expect(() => c.block('x', 'f32', 5)).toThrow(/block "x" is missing or has the wrong size \(want 5 floats\)/);
  });

  it.each([
    ['no block list', '{"kind":"buffer"}', /the header has no block list/],
    ['a repeated block name', '{"kind":"buffer","blocks":[{"name":"a","type":"u8","length":0},{"name":"a","type":"u8","length":0}]}', /malformed or repeated block entry \{"name":"a"/],
    ['an unknown block type', '{"kind":"buffer","blocks":[{"name":"a","type":"f64","length":0}]}', /malformed or repeated block entry/],
    ['a negative length', '{"kind":"buffer","blocks":[{"name":"a","type":"u8","length":-4}]}', /malformed or repeated block entry/],
    ['a block larger than the file (2^50 floats)', '{"kind":"buffer","blocks":[{"name":"a","type":"f32","length":1125899906842624}]}', /expected \d+ bytes, got \d+$/],
    ['not JSON', '{"kind":', /the header is not valid UTF-8 JSON/],
    ['no kind', '{"blocks":[]}', /unknown kind undefined/],
  ])('refuses a sealed file with %s', (_what, json, message) => {
    expect(() => decodeContainer(frame(json), 'test', ['buffer'])).toThrow(message);
  });

  it('refuses a sealed file whose f32 block holds Infinity, naming the block and the index', () => {
    const body = new Uint8Array(new Float32Array([0, Infinity]).buffer);
    expect(() => decodeContainer(frame('{"kind":"buffer","blocks":[{"name":"w","type":"f32","length":2}]}', body), 'test', ['buffer']))
      .toThrow(/block "w" holds a non-finite value at 1 \(Infinity\)/);
  });
});
