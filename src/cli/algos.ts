/**
 * The algorithm registry: `--algo NAME` → how to build, validate and load that
 * agent: one entry per algorithm (the same five members from the agent's own
 * module).
 */
import type { Agent } from '../agents/agent.js';
import { DDPG_PRESETS, resolveConfig, CONFIG_FIELDS } from '../agents/ddpg-config.js';
import { DDPG } from '../agents/ddpg.js';
import { TD3 } from '../agents/td3.js';
import { TD3_CONFIG_FIELDS, TD3_PRESETS, resolveTD3Config, type TD3Options } from '../agents/td3-config.js';
import { SAC } from '../agents/sac.js';
import { SAC_CONFIG_FIELDS, SAC_PRESETS, resolveSACConfig, type SACOptions } from '../agents/sac-config.js';
import type { Env } from '../envs/env.js';

export type { Agent };

/** `preset` plus config overrides, as the agents' constructors take them. */
export type AgentOptions = Readonly<Record<string, unknown>> & { readonly preset: string };

export interface Algorithm {
  /** Named presets; the first is the default. */
  readonly presets: Readonly<Record<string, object>>;
  /** Every config field `--set` may name. */
  readonly fields: readonly string[];
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
    presets: DDPG_PRESETS, fields: CONFIG_FIELDS,
    validate: (o) => void resolveConfig(o as DDPGOpts),
    create: (env, o) => new DDPG(env, o as DDPGOpts), load: (bytes, env) => DDPG.load(bytes, env),
  },
  td3: {
    presets: TD3_PRESETS, fields: TD3_CONFIG_FIELDS,
    validate: (o) => void resolveTD3Config(o as TD3Options),
    create: (env, o) => new TD3(env, o as TD3Options), load: (bytes, env) => TD3.load(bytes, env),
  },
  sac: {
    presets: SAC_PRESETS, fields: SAC_CONFIG_FIELDS,
    validate: (o) => void resolveSACConfig(o as SACOptions),
    create: (env, o) => new SAC(env, o as SACOptions), load: (bytes, env) => SAC.load(bytes, env),
  },
};

export const ALGO_NAMES = Object.keys(ALGORITHMS);

/**
 * The preset whose every field but `seed` equals `config`, or 'custom'. Used to
 * name the preset of a checkpoint resumed without its run.json.
 */
export function presetOf(algo: Algorithm, config: object): string {
  const strip = (c: object): string => JSON.stringify({ ...c, seed: 0 });
  const want = strip(config);
  return Object.keys(algo.presets).find((p) => strip(algo.presets[p]!) === want) ?? 'custom';
}
