/**
 * Field checks shared by the DDPG, TD3 and SAC configs (config.ts, td3-config.ts,
 * sac-config.ts):
 * each check throws a RangeError naming the algorithm, the field, the value and
 * the allowed range, and a config is validated in one place, by `resolve`.
 */
import type { ActionNoiseConfig } from './config.js';

/** @internal */
export type Check = (v: unknown, field: string) => void;

/** @internal */
export function fail(algo: string, field: string, v: unknown, range: string): never {
  throw new RangeError(`${algo} config: ${field} must be ${range}, got ${JSON.stringify(v) ?? String(v)}`);
}

/** @internal */
export function checks(algo: string) {
  const num = (lo: number, hi: number, loOpen: boolean, hiOpen: boolean): Check => (v, f) => {
    const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
    if (!ok) fail(algo, f, v, `a finite number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`);
  };
  const int = (lo: number, hi: number): Check => (v, f) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi)) fail(algo, f, v, `an integer in [${lo}, ${hi}]`);
  };
  const widths = (minLen: number): Check => (v, f) => {
    if (!Array.isArray(v) || v.length < minLen || v.length > 16) fail(algo, f, v, `an array of ${minLen}–16 layer widths`);
    (v as unknown[]).forEach((w, i) => int(1, 65536)(w, `${f}[${i}]`));
  };
  const oneOf = (...xs: readonly unknown[]): Check => (v, f) => {
    if (!xs.includes(v)) fail(algo, f, v, `one of ${xs.map((x) => JSON.stringify(x)).join(', ')}`);
  };
  const noise: Check = (v, f) => {
    const n = v as { type?: unknown; sigma?: unknown; theta?: unknown; dt?: unknown } | null;
    if (typeof n !== 'object' || n === null) return fail(algo, f, v, "an object { type: 'ou' | 'gaussian' | 'none', … }");
    oneOf('ou', 'gaussian', 'none')(n.type, `${f}.type`);
    if (n.type === 'none') return;
    num(0, 1e6, false, false)(n.sigma, `${f}.sigma`);
    if (n.type === 'ou') {
      num(0, 1e6, false, false)(n.theta, `${f}.theta`);
      num(0, 1e6, true, false)(n.dt, `${f}.dt`);
      // x ← x + θ·dt·(μ − x) + …: beyond θ·dt = 2 each step amplifies x, up to NaN.
      num(0, 2, false, false)((n.theta as number) * (n.dt as number), `${f}.theta·dt`);
    }
  };
  return { num, int, widths, oneOf, noise };
}

/**
 * Preset + overrides → a frozen, validated config. Unknown fields and unknown
 * presets are refused by name.
 *
 * @internal
 */
export function resolve<C extends object, P extends string>(
  algo: string, presets: Readonly<Record<P, C>>, defaultPreset: P, schema: Readonly<Record<keyof C, Check>>,
  options: Partial<C> & { readonly preset?: P },
): C {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${algo} options must be an object`);
  const { preset = defaultPreset, ...overrides } = options;
  const names = Object.keys(presets);
  if (!names.includes(preset)) fail(algo, 'preset', preset, `one of ${names.map((x) => JSON.stringify(x)).join(', ')}`);
  const fields = Object.keys(schema) as (keyof C)[];
  for (const k of Object.keys(overrides)) {
    if (!(k in schema)) throw new RangeError(`${algo} config: unknown field "${k}" (known: ${fields.join(', ')})`);
  }
  const merged = { ...presets[preset], ...overrides } as C;
  for (const k of fields) schema[k](merged[k], String(k));
  return Object.freeze(merged);
}

export type { ActionNoiseConfig };
