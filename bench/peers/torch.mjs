/**
 * The PyTorch peer (bench/peers/torch_ddpg.py) as a contender of the update
 * comparison: a child process spoken to over stdin/stdout, one JSON line each
 * way, so its rounds alternate with ours in the same run. PyTorch is pinned to
 * one thread (torch.set_num_threads(1), OMP/OpenBLAS 1 thread).
 *
 * Which python: $PYTHON, else the first of python3 and /usr/bin/python3 that can
 * `import torch` (Debian's python3-torch lives in the system python, which a
 * pyenv or venv python3 on PATH does not see). None: startTorch() resolves to
 * { skipped: why }.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./torch_ddpg.py', import.meta.url));

/**
 * OpenBLAS picks its kernels by CPUID; on a VM whose CPU reports no model it knows
 * (this one: "Intel(R) Xeon(R) Processor") it falls back to Prescott (SSE3), 4-6×
 * slower than its AVX-512 kernels here. Unless OPENBLAS_CORETYPE is set, name the
 * best core the CPU's flags allow, so PyTorch runs as on a machine it recognises.
 */
function openblasCore() {
  if (process.env.OPENBLAS_CORETYPE) return process.env.OPENBLAS_CORETYPE;
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch { /* not Linux: leave it to OpenBLAS */ }
  const has = (f) => flags.split(/\s+/).includes(f);
  return has('avx512f') ? 'SkylakeX' : has('avx2') ? 'Haswell' : undefined;
}

function findPython() {
  const tried = [];
  for (const py of [...new Set([process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean))]) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py, tried };
    tried.push(`${py}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { python: null, tried };
}

/**
 * Starts the harness. Resolves to { info, check(msg), round(ms), close() } or { skipped }.
 * info: torch and Python versions, the interpreter, threads, BLAS, the OpenBLAS core used.
 */
export async function startTorch() {
  const { python, tried } = findPython();
  if (python === null) return { skipped: `python3 -c "import torch" fails (${tried.join('; ')})` };
  const core = openblasCore();
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...(core ? { OPENBLAS_CORETYPE: core } : {}) };
  const child = spawn(python, [SCRIPT], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${python} ${SCRIPT} exited (${child.exitCode ?? child.signalCode})`);
    return JSON.parse(value);
  };
  const ask = (msg) => {
    child.stdin.write(JSON.stringify(msg) + '\n');
    return next();
  };
  const info = { ...(await next()), pythonPath: python, openblasCore: core ?? '(detected)' };
  return {
    info,
    check: (msg) => ask({ cmd: 'check', ...msg }),
    round: async (ms) => (await ask({ cmd: 'round', ms })).times,
    close: () => {
      child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
      return new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}
