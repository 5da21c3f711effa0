/**
 * The browser demo (examples/browser/, compiled by `tsc -p examples/browser`)
 * in headless Chromium, served on loopback by examples/serve.mjs. One page,
 * driven through the steps a person would take, in order. serve() sends COOP/COEP,
 * so that page is cross-origin isolated and trains with threads; a second page,
 * served without them, trains on one thread, says why, and reaches the same bits.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DDPG, makeEnv, Policy } from '../../../src/index.js';
import { serve, type Served } from '../../../examples/serve.mjs';
import { launchChromium } from '../../../scripts/cross/browsers.mjs';

/** Where the screenshots go (runs/ is git-ignored); look at them after a change to the page. */
const SCREENSHOT = fileURLToPath(new URL('../../../runs/cross/browser-demo.png', import.meta.url));
const SCREENSHOT_PHONE = fileURLToPath(new URL('../../../runs/cross/browser-demo-390.png', import.meta.url));
const DESKTOP = { width: 1280, height: 800 }, PHONE = { width: 390, height: 844 };
/** 25 episodes = 5 000 steps: seed 7 swings up by then (episode returns near −130 from episode 22). */
const EPISODES = 25;

interface Box { x: number; y: number; w: number; h: number }
interface DemoState {
  ready: boolean; running: boolean; steps: number; seed: number;
  returns: number[]; means: number[]; hash: string; hash2000: string; threads: number; threadsReason: string | null;
  evals: { episodes: number; mean: number; std: number }[];
  layout: { width: number; height: number; plot: Box; legend: (Box & { text: string })[] };
}
/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is untyped here (installed in scripts/cross) */
let server: Served;
let browser: any;
let page: any;
const pageErrors: string[] = [];
const demo = (): Promise<DemoState> => page.evaluate(() => (window as unknown as { demo: DemoState }).demo);
const waitOn = (p: any, fn: string, timeout = 60_000): Promise<unknown> => p.waitForFunction(`(() => { const d = window.demo; return ${fn}; })()`, null, { timeout });
const waitDemo = (fn: string, timeout = 60_000): Promise<unknown> => waitOn(page, fn, timeout);
let nodeHash2000: string | null = null;
/** Node's weights hash after 2 000 steps of seed 7 (one thread), computed once. */
async function hash2000(): Promise<string> {
  nodeHash2000 ??= (await new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 7 }).learn(2000)).weightsHash();
  return nodeHash2000;
}

/**
 * At a viewport size: the page does not scroll sideways, and the curve's
 * legend (which carries the ≈ −150 label) lies inside the canvas, above the
 * plot that the data are clipped to, so no point can cover it.
 */
async function checkLayout(viewport: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(viewport);
  await page.waitForFunction(() => {
    const d = (window as unknown as { demo: DemoState }).demo;
    return d.layout.width === document.getElementById('curve')!.clientWidth;
  });
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const { scrollWidth, clientWidth } = document.documentElement;
    return { scrollWidth, clientWidth };
  });
  expect(scrollWidth, `scrollWidth at ${viewport.width} px`).toBeLessThanOrEqual(clientWidth);
  const { layout: { width, height, plot, legend } } = await demo();
  expect(plot.x + plot.w).toBeLessThanOrEqual(width);
  expect(plot.y + plot.h).toBeLessThanOrEqual(height);
  expect(legend.map((b) => b.text)).toContain('swung up ≈ −150');
  for (const b of legend) {
    expect(b.x, b.text).toBeGreaterThanOrEqual(0);
    expect(b.x + b.w, b.text).toBeLessThanOrEqual(width);
    expect(b.y + b.h, b.text).toBeLessThanOrEqual(plot.y);
  }
}

beforeAll(async () => {
  server = await serve();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: DESKTOP, acceptDownloads: true });
  page.on('pageerror', (e: Error) => pageErrors.push(String(e)));
  // Count wasm compiles on the page's main thread (the worker has its own WebAssembly global).
  await page.addInitScript(() => {
    const w = window as unknown as { mainThreadCompiles: number };
    w.mainThreadCompiles = 0;
    const W = WebAssembly as unknown as Record<string, unknown>;
    for (const k of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming', 'Module']) {
      const f = W[k] as (...a: unknown[]) => unknown;
      W[k] = new Proxy(f, {
        apply: (t, self, args) => (w.mainThreadCompiles++, Reflect.apply(t, self, args)),
        construct: (t, args) => (w.mainThreadCompiles++, Reflect.construct(t, args)),
      });
    }
  });
  await page.goto(`${server.url}/examples/browser/`);
  await waitDemo('d && d.ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('examples/browser in headless Chromium', () => {
  it('initializes in the Web Worker: the main thread compiles no wasm', async () => {
    expect(await page.evaluate(() => (window as unknown as { mainThreadCompiles: number }).mainThreadCompiles)).toBe(0);
  });

  it('trains with threads on the cross-origin-isolated page: one per core, at most 4', async () => {
    const { isolated, cores } = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    expect(isolated).toBe(true);
    const d = await demo();
    // worker.ts asks for min(cores, 4) threads; on one core it would be 1, with a reason.
    expect([d.threads, d.threadsReason]).toEqual(cores > 1 ? [Math.min(cores, 4), null] : [1, 'this device reports one core']);
    if (cores > 1) expect(await page.textContent('#threads')).toContain(`Training on ${Math.min(cores, 4)} threads`);
  });

  it('refuses a seed of −5 or 100 steps: shows the error next to the field and does not train', async () => {
    await page.fill('#seed', '-5');
    await page.fill('#steps', '100');
    await page.click('#start');
    expect(await page.textContent('#seed-error')).toBe('Seed must be an integer from 0 to 9,007,199,254,740,991');
    expect(await page.textContent('#steps-error')).toBe('Steps must be an integer from 200 to 1,000,000');
    expect(await page.isVisible('#seed-error')).toBe(true);
    await page.fill('#steps', '20000');
    await page.click('#reset');
    await page.waitForTimeout(500);
    const d = await demo();
    expect([d.running, d.steps, d.seed]).toEqual([false, 0, 7]);
    expect(await page.getAttribute('#seed', 'aria-invalid')).toBe('true');
  });

  it('lays out without horizontal scroll on a phone and on a desktop, labels clear of the data', async () => {
    await checkLayout(PHONE);
    await checkLayout(DESKTOP);
  });

  it('trains after Start, the learning curve rises and the evaluation series appears', async () => {
    await page.fill('#seed', '7');
    await page.click('#start');
    expect(await page.isVisible('#seed-error')).toBe(false);
    await waitDemo(`d.returns.length >= ${EPISODES}`, 240_000);
    const { means } = await demo();
    // means[i]: mean return of episodes max(1, i−8)…i+1. Random play scores ≈ −1500.
    const first = means[9]!, best = Math.max(...means.slice(10));
    expect(best).toBeGreaterThan(first + 300);
    // The deterministic policy, evaluated every 1 000 steps = 5 episodes (the 5th may still be on its way).
    const { evals } = await demo();
    expect(evals.slice(0, 4).map((e) => e.episodes)).toEqual([5, 10, 15, 20]);
    for (const e of evals) expect(Number.isFinite(e.mean) && e.std >= 0).toBe(true);
    expect(evals[3]!.mean).toBeGreaterThan(evals[0]!.mean + 300);
    expect(await page.textContent('#stat-eval')).toMatch(/^-?\d+ ± \d+$/);
    await page.waitForTimeout(1000); // let the pendulum replay a frame of the newest episode
    mkdirSync(fileURLToPath(new URL('.', `file://${SCREENSHOT}`)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await checkLayout(PHONE); // with data, hashes and long numbers in place
    await page.screenshot({ path: SCREENSHOT_PHONE, fullPage: true });
    await checkLayout(DESKTOP);
  });

  it('stops taking steps after Pause', async () => {
    await page.click('#pause');
    await waitDemo('!d.running');
    const before = (await demo()).steps;
    await page.waitForTimeout(1500);
    expect((await demo()).steps).toBe(before);
    expect(await page.isEnabled('#start')).toBe(true);
  });

  it('shows the weights hash at step 2 000 that Node computes for the same seed', async () => {
    expect(await page.textContent('#hash2000')).toBe(await hash2000());
  });

  it('downloads the policy as a file that Policy.load reads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toMatch(/^ddpg-pendulum-seed7-step\d+\.policy$/);
    const policy = Policy.load(new Uint8Array(readFileSync(await download.path())));
    expect(policy.envId).toBe('Pendulum-v1');
  });

  it('resets to a fresh agent of the entered seed with an empty curve', async () => {
    await page.fill('#seed', '3');
    await page.click('#reset');
    await waitDemo('d.seed === 3');
    const d = await demo();
    expect(d.returns).toEqual([]);
    expect(d.steps).toBe(0);
    expect(d.hash).toBe(new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 3 }).weightsHash());
  });

  it('raised no errors on the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('examples/browser on a page that is not cross-origin isolated', () => {
  let plain: Served;
  let p2: any;
  const errors: string[] = [];
  beforeAll(async () => {
    plain = await serve({ isolate: false });
    p2 = await browser.newPage({ viewport: DESKTOP });
    p2.on('pageerror', (e: Error) => errors.push(String(e)));
    await p2.goto(`${plain.url}/examples/browser/`);
    await waitOn(p2, 'd && d.ready');
  });
  afterAll(async () => {
    await p2?.close();
    await plain?.close();
  });

  it('trains on 1 thread and says why', async () => {
    expect(await p2.evaluate(() => crossOriginIsolated)).toBe(false);
    const d: DemoState = await p2.evaluate(() => (window as unknown as { demo: DemoState }).demo);
    expect(d.threads).toBe(1);
    expect(d.threadsReason).toMatch(/not cross-origin isolated/);
    expect(await p2.textContent('#threads')).toMatch(/^Training on 1 thread: the page is not cross-origin isolated/);
  });

  it('reaches the same weights hash at step 2 000 as Node (and as the threaded page)', async () => {
    await p2.fill('#steps', '2000');
    await p2.click('#start');
    await waitOn(p2, "d.hash2000 !== ''", 240_000);
    expect(await p2.textContent('#hash2000')).toBe(await hash2000());
    expect(errors).toEqual([]);
  });
});
