import { initSync, Rng } from '../../src/index.js';
initSync();
const a = new Rng(42); console.log('floats', [a.float(), a.float(), a.float()]);
const b = new Rng(42); console.log('normals', [b.normal(), b.normal(), b.normal(), b.normal()]);
const c = new Rng(42); console.log('float32', [c.float32(), c.float32()], 'int', new Rng(42).int(10), new Rng(42).int(7));
const e = Rng.stream(42, 'noise'); console.log('noise', [e.nextU32(), e.nextU32()]);
