// Loaded with `node --import` by crash.test.ts: SIGKILLs the process on the
// N-th call of one node:fs function (KILL_AT=fsyncSync:3), just before it runs,
// or just after it returns (KILL_WHEN=after): a kill at an exact point of an
// atomic save (temporary file written but not renamed, renamed but run.json not).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const [fn, n] = (process.env.KILL_AT ?? '').split(':');
if (fn) {
  const orig = fs[fn];
  let calls = 0;
  fs[fn] = function killing(...args) {
    const hit = ++calls === Number(n);
    if (hit && process.env.KILL_WHEN !== 'after') process.kill(process.pid, 'SIGKILL');
    const r = orig.apply(this, args);
    if (hit) process.kill(process.pid, 'SIGKILL');
    return r;
  };
  syncBuiltinESMExports();
}
