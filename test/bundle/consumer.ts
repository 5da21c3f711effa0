/**
 * A TypeScript consumer of the package: the package by name (its "exports"
 * types, ddpg-wasm/sweep included), and the two workerd entries by path.
 * Type-checked against dist/ by
 * test/bundle/types.test.ts (TypeScript 5.9, the dev dependency) and by
 * test/cross/e2e/types-ts7.test.ts (TypeScript 7).
 */
export const consumer = (dist: string): string => `
import { DDPG, TD3, SAC, createKernels, makeEnv, init, initSync, initFast, Policy, dmath, stats, ReplayBuffer, Rng, VERSION, type DDPGConfig, type LearnOptions } from 'ddpg-wasm';
import { Policy as InferencePolicy, init as initPolicy, initSync as initPolicySync, type WasmSource } from 'ddpg-wasm/policy';
import { NormalizeEnv, TD3 as NormTD3, type NormalizeOptions } from 'ddpg-wasm/normalize';
import { runSweep, type SweepOptions, type SweepResult, type TrialRecord } from 'ddpg-wasm/sweep';
import * as edge from ${JSON.stringify(`${dist}/workerd.js`)};
import * as edgePolicy from ${JSON.stringify(`${dist}/policy-workerd.js`)};

await init();
initSync();
const fast: Promise<boolean> = initFast(new Uint8Array(0));
const env = makeEnv('Pendulum-v1');
const agent = new DDPG(env, { preset: 'keras', seed: 1 });
const action: Float32Array = agent.act(new Float32Array(3));
const bytes: Uint8Array = agent.save({ kind: 'policy' });
const policy: Policy = InferencePolicy.load(bytes);
const out: Float32Array = policy.act([0, 1, 0]);
const agents = [agent, new TD3(env), new SAC(env)];
const buffer = new ReplayBuffer(10, 3, 1);
const s: number = dmath.sin(1) + new Rng(1).float() + buffer.size;
const summary: stats.Summary = stats.summarize([[stats.iqm([s, 1])]]);
const config: DDPGConfig | undefined = undefined;
const learn: LearnOptions = {};
const src: WasmSource | undefined = undefined;
const version: string = VERSION;
const sweepOptions: SweepOptions = { workers: 2, onTrial: (r: TrialRecord) => void r.weightsHash };
const sweep: () => Promise<SweepResult> = () => runSweep({ seeds: 5, steps: 20000 }, sweepOptions);
const inits: Array<() => Promise<void>> = [initPolicy, edge.init, edgePolicy.init];
const syncs: Array<() => void> = [initPolicySync, edge.initSync, edgePolicy.initSync];
const edgeAgent: InstanceType<typeof edge.DDPG> = new edge.DDPG(edge.makeEnv('Pendulum-v1'));
// @ts-expect-error the types are real, not any: DDPG needs an environment
new DDPG();
const normOptions: NormalizeOptions = { clipObs: 5 };
const normAgent = new NormTD3(new NormalizeEnv(env, normOptions));
const normObs: Float32Array = (normAgent.env as NormalizeEnv).normalize([0, 1, 0]);
const memoryBytes: number = createKernels().memory.buffer.byteLength;
await init(new Uint8Array(0));
export { fast, action, out, agents, s, summary, config, learn, src, version, inits, syncs, edgeAgent, memoryBytes, normObs };
`;

