// `ddpg-wasm plot`: tiny real runs (2 configurations × 2 seeds, 300 steps, evaluated
// every 100) overlaid into a well-formed SVG with one band per configuration and one
// faint line per seed, the ranked table, grouping, ragged runs, and errors naming paths.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePlot } from '../../src/cli/plot.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

/**
 * Throws unless `xml` is one well-formed element: tags nest and close, attributes
 * are name="value" without a raw < or &, text has no raw < and every & starts a
 * known entity or a character reference. (No XML parser is a dependency here.)
 */
function checkWellFormed(xml: string): void {
  const entity = /^&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  const checkText = (text: string, where: number): void => {
    for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
      if (!entity.test(text.slice(i))) throw new Error(`bare & at ${where + i}`);
    }
  };
  const stack: string[] = [];
  let pos = 0, roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt < 0 ? xml.length : lt);
    checkText(text, pos);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (m === null) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 40)}`);
    const [, close, name, attrs, selfClose] = m;
    checkText(attrs!, lt);
    const names = [...attrs!.matchAll(/([\w.:-]+)\s*=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) throw new Error(`repeated attribute in <${name}> at ${lt}`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> at ${lt} closes nothing open`);
    } else {
      if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
      if (!selfClose) stack.push(name!);
    }
    pos = lt + m[0].length;
  }
  if (stack.length > 0 || roots !== 1) throw new Error(`unclosed <${stack.join('>, <')}> or no root`);
}

const count = (s: string, re: RegExp): number => s.match(re)?.length ?? 0;

let root = '';
const train = (out: string, seed: number, width: number): Promise<unknown> => cli(
  'train', '--steps', '300', '--eval-every', '100', '--eval-episodes', '1', '--seed', String(seed), '--quiet', '--out', out,
  '--set', `actorLayers=[${width}]`, '--set', `criticLayers=[${width}]`, '--set', 'batchSize=16',
).then((r) => expect(r.code, r.stderr).toBe(0));

beforeAll(async () => {
  await ensureBuilt();
  root = tempDir();
  // A sweep-like tree: two configurations (layer width 8 and 16), two seeds each, nested.
  await Promise.all([train(join(root, 'sweep', 'w8', 's0'), 0, 8), train(join(root, 'sweep', 'w8', 's1'), 1, 8)]);
  await Promise.all([train(join(root, 'sweep', 'w16', 's0'), 0, 16), train(join(root, 'sweep', 'w16', 's1'), 1, 16)]);
}, 120_000);

describe('ddpg-wasm plot', () => {
  it('overlays a sweep: valid XML, one band and one mean per configuration, one faint line per seed, a ranked table', async () => {
    const out = join(root, 'plot.svg');
    const r = await cli('plot', join(root, 'sweep'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    checkWellFormed(svg);
    expect(count(svg, /<polygon class="band"/g)).toBe(2);
    expect(count(svg, /<polyline class="mean"/g)).toBe(2);
    expect(count(svg, /<polyline class="seed"[^>]*stroke-opacity="0.3"/g)).toBe(4);
    // Labels name what differs between the configurations; the legend counts seeds.
    expect(svg).toContain('actorLayers=[8] criticLayers=[8] (2 seeds)</text>');
    expect(svg).toContain('actorLayers=[16] criticLayers=[16] (2 seeds)</text>');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^rank\s+configuration\s+n\s+final mean \[95% CI\]\s+final IQM \[95% CI\]$/);
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/)[0])).toEqual(['1', '2']);
    expect(lines[1]).toMatch(/actorLayers=\[\d+\] criticLayers=\[\d+\]\s+2\s+−?-?[\d.]+ \[/);
    expect(lines[3]).toBe(`2 configurations, 4 runs → ${out}`);
  });

  it('writePlot (what sweep calls): counts, statistics per configuration, the same bytes twice', () => {
    const out = join(root, 'api.svg');
    const r = writePlot([join(root, 'sweep')], out, { threshold: 0 });
    expect([r.configs, r.runs, r.skipped]).toEqual([2, 4, []]);
    for (const c of r.results) {
      expect(c.final.n).toBe(2);
      expect(c.final.mean.lo).toBeLessThanOrEqual(c.final.mean.point);
      expect(c.stepsToThreshold).toEqual({ median: Infinity, reached: 0, n: 2 }); // Pendulum returns are < 0
    }
    expect(r.results.map((c) => c.rank)).toEqual([1, 2]);
    const first = readFileSync(out, 'utf8');
    writePlot([join(root, 'sweep')], out, { threshold: 0 });
    expect(readFileSync(out, 'utf8')).toBe(first);
  });

  it('--group-by pools configurations; one run directory is a run', () => {
    const byAlgo = writePlot([join(root, 'sweep')], join(root, 'algo.svg'), { groupBy: ['algo'] });
    expect([byAlgo.configs, byAlgo.runs, byAlgo.results[0]!.name]).toEqual([1, 4, 'ddpg']);
    const bySeed = writePlot([join(root, 'sweep')], join(root, 'seed.svg'), { groupBy: ['seed', 'actorLayers'] });
    expect(bySeed.configs).toBe(4);
    const one = writePlot([join(root, 'sweep', 'w8', 's0')], join(root, 'one.svg'));
    expect([one.configs, one.runs]).toEqual([1, 1]);
    expect(one.results[0]!.name).toBe('ddpg Pendulum-v1 keras actorLayers=[8] batchSize=16 criticLayers=[8]');
  });

  it('ragged runs: the band uses the steps every seed has; a run without evaluations is skipped', () => {
    const dir = join(root, 'ragged');
    cpSync(join(root, 'sweep', 'w8'), dir, { recursive: true });
    // Seed 1 stopped after its first evaluation; a third seed has none yet.
    const m = join(dir, 's1', 'metrics.jsonl');
    const lines = readFileSync(m, 'utf8').split('\n').filter((l) => l !== '');
    const firstEval = lines.findIndex((l) => l.includes('"type":"eval"'));
    writeFileSync(m, `${lines.slice(0, firstEval + 1).join('\n')}\n`);
    cpSync(join(dir, 's0'), join(dir, 's2'), { recursive: true });
    const m2 = join(dir, 's2', 'metrics.jsonl');
    writeFileSync(m2, readFileSync(m2, 'utf8').split('\n').filter((l) => l.includes('"type":"episode"')).join('\n'));
    const r = writePlot([dir], join(root, 'ragged.svg'));
    expect([r.configs, r.runs]).toEqual([1, 2]);
    expect(r.skipped).toEqual([`${join(dir, 's2')}: no evaluation yet`]);
    const svg = readFileSync(join(root, 'ragged.svg'), 'utf8');
    checkWellFormed(svg);
    // One common step: the mean "line" and the band have one point each.
    expect(svg).toMatch(/<polyline class="mean" points="[\d.]+,[\d.]+"/);
  });

  it('errors name the path: missing directory, directory without runs', async () => {
    const missing = join(root, 'nope');
    const r = await cli('plot', missing, '--out', join(root, 'x.svg'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ddpg-wasm: error: ${missing}: no such directory\n`);
    const empty = join(root, 'empty', 'sub');
    mkdirSync(empty, { recursive: true });
    const e = await cli('plot', join(root, 'empty'), '--out', join(root, 'x.svg'));
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`${join(root, 'empty')}: no run directory (one with metrics.jsonl) in it or 4 levels below`);
  });

  it('a bad command line exits 2 naming what is wrong', async () => {
    expect((await cli('plot', '--out', 'x.svg')).stderr).toContain('at least one RUN_DIR is required');
    const noOut = await cli('plot', root);
    expect([noOut.code, noOut.stderr.split('\n')[0]]).toEqual([2, 'ddpg-wasm: --out FILE.svg is required']);
    const t = await cli('plot', root, '--out', 'x.svg', '--threshold', 'high');
    expect([t.code, t.stderr.split('\n')[0]]).toEqual([2, 'ddpg-wasm: --threshold expects a number, got "high"']);
  });

  it('the well-formedness check refuses what it should', () => {
    for (const bad of ['<svg><g></svg>', '<svg a="1" a="2"/>', '<svg>&</svg>', '<svg/><svg/>', '<svg x="<"/>', '<svg>a < b</svg>']) {
      expect(() => checkWellFormed(bad), bad).toThrow();
    }
    expect(() => checkWellFormed('<svg a="&amp;"><t>&lt;&#8722;</t></svg>\n')).not.toThrow();
  });
});
