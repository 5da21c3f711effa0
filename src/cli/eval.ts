/**
 * `ddpg-wasm eval --checkpoint FILE`: runs the deterministic policy μ(s) of a
 * full or policy-only file (Policy.load reads both) on a fresh instance of its
 * environment. Episode k starts from `reset(seed + k)` (wrapped below 2^53).
 */
import { isEnvId, makeEnv } from '../envs/make.js';
import { Policy } from '../policy/policy.js';
import { seedPlus } from '../rng.js';
import { type CommandSpec, parseArgs, UsageError } from './args.js';
import type { CliIO } from './io.js';
import { checkpointHeader, readFileOrFail } from './train-setup.js';

const DEFAULT_EPISODES = 20;
const DEFAULT_SEED = 1;

export const EVAL: CommandSpec = {
  name: 'eval',
  summary: 'Evaluate the deterministic policy of a checkpoint (full or policy-only) and print mean, std and every return.',
  usage: 'ddpg-wasm eval --checkpoint FILE [--episodes N] [--seed N] [--json]',
  flags: [
    { name: 'checkpoint', type: 'string', value: 'FILE', help: 'checkpoint.ddpg or policy.ddpg of a run (required)' },
    { name: 'episodes', type: 'int', min: 1, value: 'N', help: `episodes to run (default ${DEFAULT_EPISODES})` },
    { name: 'seed', type: 'int', value: 'N', help: `episode k starts from reset(N + k) (default ${DEFAULT_SEED})` },
    { name: 'json', type: 'boolean', help: 'print one JSON object on stdout' },
  ],
};

export interface EvalResult {
  readonly checkpoint: string;
  readonly algo: string;
  readonly kind: string;
  readonly env: string;
  readonly episodes: number;
  readonly seed: number;
  readonly mean: number;
  readonly std: number;
  readonly returns: number[];
}

function runEpisodes(policy: Policy, episodes: number, seed: number): number[] {
  if (!isEnvId(policy.envId)) throw new Error(`the checkpoint was trained on "${policy.envId}", which is not a built-in environment`);
  const env = makeEnv(policy.envId, policy.envOptions ?? {}); // the training physics and time limit
  const action = new Float32Array(policy.actDim);
  const returns: number[] = [];
  for (let k = 0; k < episodes; k++) {
    let obs = env.reset(seedPlus(seed, k)), ret = 0;
    for (;;) {
      const r = env.step(policy.act(obs, action));
      ret += r.reward;
      if (r.terminated || r.truncated) break;
      obs = r.obs;
    }
    returns.push(ret);
  }
  return returns;
}

export function evalCommand(argv: readonly string[], io: CliIO): number {
  const f = parseArgs(EVAL, argv);
  if (f.bool('help')) return io.help(EVAL);
  const path = f.str('checkpoint');
  if (path === undefined) throw new UsageError('--checkpoint FILE is required', 'eval');
  const episodes = f.int('episodes') ?? DEFAULT_EPISODES, seed = f.int('seed') ?? DEFAULT_SEED;
  const bytes = readFileOrFail(path, 'checkpoint');
  const policy = Policy.load(bytes);
  const { kind } = checkpointHeader(bytes);
  const returns = runEpisodes(policy, episodes, seed);
  const mean = returns.reduce((s, x) => s + x, 0) / episodes;
  const std = Math.sqrt(returns.reduce((s, x) => s + (x - mean) * (x - mean), 0) / episodes);
  const result: EvalResult = { checkpoint: path, algo: policy.algo, kind, env: policy.envId, episodes, seed, mean, std, returns };
  if (f.bool('json')) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    io.stdout.write([
      `${path}: ${policy.algo} ${kind} checkpoint, ${policy.envId}; ${episodes} episodes, seeds ${seed}…${seedPlus(seed, episodes - 1)}`,
      `mean return ${mean.toFixed(2)}, std ${std.toFixed(2)}`,
      `returns: ${returns.map((r) => r.toFixed(2)).join(' ')}`,
    ].join('\n') + '\n');
  }
  return 0;
}
