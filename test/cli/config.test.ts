/**
 * Discovering the options (issue 16, item 3): `train --algo A --help` lists A's
 * presets with their sources, and `ddpg-wasm config` lists every config field
 * with its value in a preset and the allowed range the schema checks enforce.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, SAC_CONFIG_FIELDS, TD3_CONFIG_FIELDS, SAC_PRESETS, TD3_PRESETS, DDPG_PRESETS, resolveTD3Config } from '../../src/lib.js';
import { ALGORITHMS } from '../../src/cli/algos.js';
import { FIELD_DOCS } from '../../src/cli/config.js';
import { cli, ensureBuilt } from './helpers.js';

beforeAll(ensureBuilt, 180_000);

const FIELDS: Record<string, readonly string[]> = { ddpg: CONFIG_FIELDS, td3: TD3_CONFIG_FIELDS, sac: SAC_CONFIG_FIELDS };
const PRESETS: Record<string, object> = { ddpg: DDPG_PRESETS, td3: TD3_PRESETS, sac: SAC_PRESETS };

interface ConfigJson { algo: string; preset: string; source: string; fields: Record<string, { value: unknown; range: string; doc: string }> }

describe('ddpg-wasm config', () => {
  it('shows TD3 zoo\'s gamma 0.98 with its range', async () => {
    const r = await cli('config', '--algo', 'td3', '--preset', 'zoo');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gamma +0\.98 +a finite number in \[0, 1\]$/m);
    expect(r.stdout).toContain('zoo preset (RL Zoo');
  });

  it('names the same range as the error of a bad value (one source of truth)', async () => {
    const j = JSON.parse((await cli('config', '--algo', 'td3', '--json')).stdout) as ConfigJson;
    expect(() => resolveTD3Config({ gamma: 2 })).toThrow(`gamma must be ${j.fields.gamma!.range}, got 2`);
    expect(() => resolveTD3Config({ policyDelay: 0 })).toThrow(`policyDelay must be ${j.fields.policyDelay!.range}, got 0`);
  });

  it.each(Object.keys(FIELDS))('lists every %s field of every preset, with value, range and doc (--json parses)', async (algo) => {
    for (const preset of Object.keys(PRESETS[algo]!)) {
      const j = JSON.parse((await cli('config', '--algo', algo, '--preset', preset, '--json')).stdout) as ConfigJson;
      expect([j.algo, j.preset]).toEqual([algo, preset]);
      expect(j.source).toBe(ALGORITHMS[algo]!.sources[preset]);
      expect(Object.keys(j.fields)).toEqual([...FIELDS[algo]!, 'normalize']); // normalize: the run's NormalizeEnv, beside the agent's fields
      expect(j.fields.normalize).toMatchObject({ value: false, range: 'true, false or { obs, reward, clipObs, clipReward, gamma, epsilon }' });
      for (const k of FIELDS[algo]!) {
        expect(j.fields[k]!.value).toEqual((PRESETS[algo] as Record<string, Record<string, unknown>>)[preset]![k]);
        expect(j.fields[k]!.range, k).toMatch(/\S/);
        expect(j.fields[k]!.doc, k).toMatch(/\S/);
      }
    }
    const text = (await cli('config', '--algo', algo)).stdout;
    for (const k of FIELDS[algo]!) expect(text).toMatch(new RegExp(`^${k} `, 'm'));
  });

  it('has a doc for every field and for nothing else', () => {
    expect(Object.keys(FIELD_DOCS).sort()).toEqual([...new Set([...Object.values(FIELDS).flat(), 'normalize'])].sort());
  });

  it('defaults to ddpg keras, and refuses an unknown algo or preset with a hint', async () => {
    expect((await cli('config')).stdout).toMatch(/^DDPG config, keras preset/);
    const a = await cli('config', '--algo', 'td4');
    expect([a.code, a.stderr]).toEqual([2, expect.stringContaining('did you mean')]);
    const p = await cli('config', '--algo', 'sac', '--preset', 'keras');
    expect([p.code, p.stderr]).toEqual([2, expect.stringContaining('sac has rltools, paper, zoo')]);
  });
});

describe('train --help', () => {
  it.each([['sac', ['rltools', 'paper', 'zoo']], ['td3', ['rltools', 'paper', 'zoo']], ['ddpg', ['keras', 'paper']]] as const)(
    'with --algo %s lists its presets with their sources', async (algo, presets) => {
      const r = await cli('train', '--algo', algo, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Presets of --algo ${algo}`);
      for (const p of presets) expect(r.stdout).toMatch(new RegExp(`^  ${p} +${ALGORITHMS[algo]!.sources[p]!.replace(/[()]/g, '\\$&')}$`, 'm'));
      expect(r.stdout.match(/Presets of --algo/g)).toHaveLength(1);
    });

  it('without --algo lists the presets of every algorithm', async () => {
    const r = await cli('train', '--help');
    expect(r.stdout.match(/Presets of --algo/g)).toHaveLength(3);
  });
});
