/**
 * `ddpg-wasm config`: every config field of an algorithm with its value in a
 * preset, its allowed range and a one-line doc. The ranges are the `range`
 * texts of the schema checks (src/agents/config.ts), the same words a bad
 * `--set` gets in its error; the docs are the short form of the TSDoc there.
 */
import { ALGO_NAMES, ALGORITHMS, pickAlgo, pickPreset, presetNotes } from './algos.js';
import { type CommandSpec, parseArgs } from './args.js';
import type { CliIO } from './io.js';
import { NORMALIZE } from './sets.js';

export const CONFIG: CommandSpec = {
  name: 'config',
  summary: 'List the config fields of an algorithm (what --set may change): value in a preset, allowed range, meaning.',
  usage: 'ddpg-wasm config [--algo NAME] [--preset NAME] [--json]',
  flags: [
    { name: 'algo', type: 'string', value: 'NAME', help: `algorithm: ${ALGO_NAMES.join(', ')} (default ddpg)` },
    { name: 'preset', type: 'string', value: 'NAME', help: "whose values to show (default: the algorithm's first preset)" },
    { name: 'json', type: 'boolean', help: 'print { algo, preset, source, fields: { NAME: { value, range, doc } } } as JSON' },
  ],
  notes: [
    'Change a field with ddpg-wasm train --set NAME=VALUE (JSON values; NAME.member for one member of an object).',
    'Noise magnitudes (sigma, targetPolicyNoise, targetNoiseClip) are fractions of the action bound h.',
    presetNotes(),
  ],
};

/** One line per config field of every algorithm (test/cli/config.test.ts checks that none is missing). */
export const FIELD_DOCS: Readonly<Record<string, string>> = {
  actorLayers: 'actor hidden layers',
  criticLayers: 'critic hidden layers after state and action join',
  criticStateLayers: 'critic layers on the state before the join',
  criticActionLayers: 'critic layers on the action before the join',
  init: 'weight init',
  actorLr: 'actor learning rate; "lin_1e-3" falls linearly to 0 (RL Zoo)',
  criticLr: 'critic learning rate; "lin_…" as actorLr',
  alphaLr: 'learning rate of log α; "lin_…" as actorLr',
  adamEps: 'Adam ε',
  adamEpsMode: 'where ε enters Adam',
  criticWeightDecay: 'critic L2 weight decay',
  gamma: 'discount γ',
  tau: 'target update rate τ',
  batchSize: 'minibatch size',
  bufferSize: 'replay capacity',
  learningStarts: 'random steps before learning',
  trainFreq: 'env steps between updates',
  gradientSteps: 'gradient steps per update',
  actionNoise: "{ type: 'ou', sigma, theta, dt } | { type: 'gaussian', sigma } | { type: 'none' }",
  noiseFinalScale: 'noise scale after noiseDecaySteps (from 1)',
  noiseDecaySteps: 'steps of the linear noise decay',
  noiseResetOnEpisode: 'reset the noise at episode starts',
  targetPolicyNoise: 'target smoothing σ̃',
  targetNoiseClip: 'target smoothing clip',
  policyDelay: 'critic updates per actor update',
  initialAlpha: 'initial temperature α',
  autoAlpha: 'learn α',
  targetEntropy: "target entropy; 'auto' = −|A|",
  seed: 'seed of the run (train --seed)',
  scheduleSteps: 'steps over which a "lin_X" rate falls to 0 (train: the run\'s length)',
  [NORMALIZE]: 'SB3 VecNormalize: running mean/std of observations and of the discounted return (rewards); defaults clipObs 10, clipReward 10, gamma 0.99, epsilon 1e-8',
};

/** The fields of `algoName` in `preset`: value, range, doc. */
export function configFields(algoName: string, preset: string): Record<string, { value: unknown; range: string; doc: string }> {
  const algo = ALGORITHMS[algoName]!;
  const values = algo.presets[preset] as Record<string, unknown>;
  const normalize = { value: false, range: 'true, false or { obs, reward, clipObs, clipReward, gamma, epsilon }', doc: FIELD_DOCS[NORMALIZE]! };
  return { ...Object.fromEntries(algo.fields.map((k) => [k, { value: values[k], range: algo.schema[k]!.range, doc: FIELD_DOCS[k] ?? '' }])), [NORMALIZE]: normalize };
}

export function configCommand(argv: readonly string[], io: CliIO): number {
  const f = parseArgs(CONFIG, argv);
  if (f.bool('help')) return io.help(CONFIG);
  const algoName = f.str('algo') ?? 'ddpg';
  const source = pickAlgo(algoName, 'config').sources;
  const preset = pickPreset(algoName, f.str('preset'), 'config');
  const fields = configFields(algoName, preset);
  if (f.bool('json')) {
    io.stdout.write(`${JSON.stringify({ algo: algoName, preset, source: source[preset], fields }, null, 2)}\n`);
    return 0;
  }
  const names = Object.keys(fields);
  const values = names.map((k) => JSON.stringify(fields[k]!.value) ?? '–');
  const w1 = Math.max(...names.map((k) => k.length)) + 2, w2 = Math.min(24, Math.max(...values.map((v) => v.length)));
  io.stdout.write([
    `${algoName.toUpperCase()} config, ${preset} preset (${source[preset]}); change a field with train --set NAME=VALUE`,
    '',
    ...names.flatMap((k, i) => [`${k.padEnd(w1)}${values[i]!.padEnd(w2)}  ${fields[k]!.range}`, `${''.padEnd(w1)}${fields[k]!.doc}`]),
  ].join('\n') + '\n');
  return 0;
}
