/**
 * The browser demo (examples/browser/, compiled by `tsc -p examples/browser`)
 * in headless Chromium, served on loopback by examples/serve.mjs. One page,
 * driven through the steps a person would take, in order.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DDPG, makeEnv, Policy } from '../../../src/index.js';
import { serve, type Served } from '../../../examples/serve.mjs';
import { launchChromium } from '../../../scripts/cross/browsers.mjs';

/** Where the screenshot goes (runs/ is git-ignored); look at it after a change to the page. */
const SCREENSHOT = fileURLToPath(new URL('../../../runs/cross/browser-demo.png', import.meta.url));
/** 25 episodes = 5 000 steps: seed 7 swings up by then (episode returns near −130 from episode 22). */
const EPISODES = 25;

interface DemoState {
  ready: boolean; running: boolean; steps: number; seed: number;
  returns: number[]; means: number[]; hash: string; hash2000: string;
}
/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is untyped here (installed in scripts/cross) */
let server: Served;
let browser: any;
let page: any;
const pageErrors: string[] = [];
const demo = (): Promise<DemoState> => page.evaluate(() => (window as unknown as { demo: DemoState }).demo);
const waitDemo = (fn: string, timeout = 60_000): Promise<unknown> => page.waitForFunction(`(() => { const d = window.demo; return ${fn}; })()`, null, { timeout });

beforeAll(async () => {
  server = await serve();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
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

  it('trains after Start and the learning curve rises', async () => {
    await page.click('#start');
    await waitDemo(`d.returns.length >= ${EPISODES}`, 240_000);
    const { means } = await demo();
    // means[i]: mean return of episodes max(1, i−8)…i+1. Random play scores ≈ −1500.
    const first = means[9]!, best = Math.max(...means.slice(10));
    expect(best).toBeGreaterThan(first + 300);
    await page.waitForTimeout(1000); // let the pendulum replay a frame of the newest episode
    mkdirSync(fileURLToPath(new URL('.', `file://${SCREENSHOT}`)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
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
    const node = await new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 7 }).learn(2000);
    expect(await page.textContent('#hash2000')).toBe(node.weightsHash());
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
