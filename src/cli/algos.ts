/**
 * The algorithm registry: `--algo NAME` → how to build, validate and load that
 * agent: one entry per algorithm (the same five members from the agent's own
 * module).
 */
import type { Agent } from '../agents/agent.js';
import type { Schema } from '../agents/config.js';
import { DDPG_PRESETS, DDPG_SCHEMA, resolveConfig, CONFIG_FIELDS } from '../agents/ddpg-config.js';
import { DDPG } from '../agents/ddpg.js';
import { TD3 } from '../agents/td3.js';
import { TD3_CONFIG_FIELDS, TD3_PRESETS, TD3_SCHEMA, resolveTD3Config, type TD3Options } from '../agents/td3-config.js';
import { SAC } from '../agents/sac.js';
import { SAC_CONFIG_FIELDS, SAC_PRESETS, SAC_SCHEMA, resolveSACConfig, type SACOptions } from '../agents/sac-config.js';
import type { Env } from '../envs/env.js';
import { UsageError } from './args.js';
import { didYouMean } from './suggest.js';

export type { Agent };

/** `preset` plus config overrides, as the agents' constructors take them. */
export type AgentOptions = Readonly<Record<string, unknown>> & { readonly preset: string };

export interface Algorithm {
  /** Named presets; the first is the default. */
  readonly presets: Readonly<Record<string, object>>;
  /** Where each preset comes from, one line (the preset's TSDoc in src/agents has the details). */
  readonly sources: Readonly<Record<string, string>>;
  /** Every config field `--set` may name. */
  readonly fields: readonly string[];
  /** Each field's check; its `range` is the allowed range the errors name. */
  readonly schema: Schema<Record<string, unknown>>;
  /** Validates options without building anything (throws a RangeError naming the field). */
  validate(options: AgentOptions): void;
  create(env: Env, options: AgentOptions): Agent;
  /** Restores a full checkpoint (throws on policy-only or foreign files). */
  load(bytes: Uint8Array, env?: Env): Agent;
}

// The casts narrow `string` presets to each algorithm's PresetName; validate() checks them first.
type DDPGOpts = ConstructorParameters<typeof DDPG>[1];

export const ALGORITHMS: Readonly<Record<string, Algorithm>> = {
  ddpg: {
    presets: DDPG_PRESETS, fields: CONFIG_FIELDS, schema: DDPG_SCHEMA,
    sources: { keras: 'the Keras notebook (keras-io ddpg_pendulum.py)', paper: 'Lillicrap et al. 2015, §7 "Experiment details"' },
    validate: (o) => void resolveConfig(o as DDPGOpts),
    create: (env, o) => new DDPG(env, o as DDPGOpts), load: (bytes, env) => DDPG.load(bytes, env),
  },
  td3: {
    presets: TD3_PRESETS, fields: TD3_CONFIG_FIELDS, schema: TD3_SCHEMA,
    sources: { rltools: "RLtools' TD3 on Pendulum-v1", paper: 'Fujimoto et al. 2018, §6.1 and Appendix C', zoo: 'RL Zoo hyperparams/td3.yml, Pendulum-v1' },
    validate: (o) => void resolveTD3Config(o as TD3Options),
    create: (env, o) => new TD3(env, o as TD3Options), load: (bytes, env) => TD3.load(bytes, env),
  },
  sac: {
    presets: SAC_PRESETS, fields: SAC_CONFIG_FIELDS, schema: SAC_SCHEMA,
    sources: { rltools: "RLtools' SAC on Pendulum-v1", paper: 'Haarnoja et al. 2018b, Table 1 (SB3 defaults where it is silent)', zoo: 'RL Zoo hyperparams/sac.yml, Pendulum-v1' },
    validate: (o) => void resolveSACConfig(o as SACOptions),
    create: (env, o) => new SAC(env, o as SACOptions), load: (bytes, env) => SAC.load(bytes, env),
  },
};

export const ALGO_NAMES = Object.keys(ALGORITHMS);

/** The algorithm `--algo NAME` names (own names only: "toString" is not an algorithm); throws UsageError. */
export function pickAlgo(name: string, command: string): Algorithm {
  if (!Object.hasOwn(ALGORITHMS, name)) throw new UsageError(`unknown --algo ${JSON.stringify(name)}; known: ${ALGO_NAMES.join(', ')}${didYouMean(name, ALGO_NAMES)}`, command);
  return ALGORITHMS[name]!;
}

/** The preset `--preset NAME` names, default the algorithm's first; throws UsageError. */
export function pickPreset(algoName: string, name: string | undefined, command: string): string {
  const presets = Object.keys(ALGORITHMS[algoName]!.presets);
  const preset = name ?? presets[0]!;
  if (!presets.includes(preset)) throw new UsageError(`unknown --preset ${JSON.stringify(preset)}; ${algoName} has ${presets.join(', ')}${didYouMean(preset, presets)}`, command);
  return preset;
}

/** `--preset` help paragraph: each algorithm's presets with their sources (only `only`'s when given). */
export function presetNotes(only?: string): string {
  return (only === undefined ? ALGO_NAMES : [only]).map((a) => {
    const { sources } = ALGORITHMS[a]!;
    const width = Math.max(...Object.keys(sources).map((p) => p.length)) + 2;
    return [`Presets of --algo ${a} (the first is the default):`, ...Object.keys(sources).map((p) => `  ${p.padEnd(width)}${sources[p]}`)].join('\n');
  }).join('\n');
}

/**
 * The preset whose every field but `seed` equals `config`, or 'custom'. Used to
 * name the preset of a checkpoint resumed without its run.json.
 */
export function presetOf(algo: Algorithm, config: object): string {
  const strip = (c: object): string => JSON.stringify({ ...c, seed: 0 });
  const want = strip(config);
  return Object.keys(algo.presets).find((p) => strip(algo.presets[p]!) === want) ?? 'custom';
}
