/**
 * `--set KEY=VALUE` (repeatable): any config field of the chosen algorithm.
 * VALUE is read as JSON when it parses (numbers, booleans, arrays, objects),
 * otherwise taken as a string: `--set actorLr=5e-4`, `--set actorLayers=[64,64]`,
 * `--set init=paper`. A dotted KEY sets one member of an object-valued field,
 * starting from the preset's value: `--set actionNoise.sigma=0.3`.
 */
import { UsageError } from './args.js';
import type { Algorithm } from './algos.js';
import { didYouMean } from './suggest.js';

export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The run field beside the algorithm's: observation and reward normalization
 * (NormalizeEnv): true, false, or its options ({ obs, reward, clipObs, … }).
 */
export const NORMALIZE = 'normalize';

/** Member names that would reach an object's prototype instead of a member of the config. */
const UNSAFE = new Set(['__proto__', 'prototype', 'constructor']);

function setMember(target: unknown, path: readonly string[], value: unknown, shown: string, command: string): void {
  let o = target;
  for (let i = 0; i < path.length; i++) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      throw new UsageError(`--set ${shown}: ${path.slice(0, i).join('.') || 'the field'} is not an object`, command);
    }
    const key = path[i]!;
    if (UNSAFE.has(key)) throw new UsageError(`--set ${shown}: "${key}" is not a config member`, command);
    const rec = o as Record<string, unknown>;
    if (i === path.length - 1) Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
    else o = Object.hasOwn(rec, key) ? rec[key] : undefined;
  }
}

/** The overrides the --set flags describe, on top of `preset` (throws UsageError). */
export function parseSets(items: readonly string[], algo: Algorithm, preset: string, command: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects KEY=VALUE, got ${JSON.stringify(item)}`, command);
    const key = item.slice(0, eq);
    const [field, ...rest] = key.split('.');
    if (field === undefined || !(algo.fields.includes(field) || field === NORMALIZE) || UNSAFE.has(field)) {
      throw new UsageError(`--set: unknown config field "${field ?? key}"${didYouMean(field ?? key, [...algo.fields, NORMALIZE])}`, command);
    }
    const value = parseValue(item.slice(eq + 1));
    if (rest.length === 0) {
      out[field] = value;
    } else {
      // normalize.clipObs=5 starts from normalize's defaults ({} or true).
      const norm = field === NORMALIZE && (out[field] === undefined || out[field] === true) ? {} : undefined;
      const base = structuredClone(norm ?? out[field] ?? (algo.presets[preset] as Record<string, unknown> | undefined)?.[field]);
      setMember(base, rest, value, key, command);
      out[field] = base;
    }
  }
  return out;
}
