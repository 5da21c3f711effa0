/**
 * Headless browsers from Debian's packages (Node-only helper for
 * scripts/crosscheck.mjs and test/cross/): Chromium driven by playwright-core
 * (installed in scripts/cross/), Firefox ESR in its own headless mode (Debian's
 * build is not Playwright's patched Juggler Firefox, so playwright-core cannot
 * drive it): it opens a page that POSTs its result back to our local server.
 * Both browsers are told to send everything that is not loopback to a dead
 * loopback proxy, so they cannot reach the network in the background.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Nothing listens on the discard port: a proxy there makes every non-loopback request fail at once. */
const DEAD_PROXY = '127.0.0.1:9';

/** The flags the project uses for headless Chromium (issue 8). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', `--proxy-server=http://${DEAD_PROXY}`,
];

export function chromiumPath() {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(p) ? p : null;
}

export function firefoxPath() {
  if (process.env.FIREFOX_PATH) return existsSync(process.env.FIREFOX_PATH) ? process.env.FIREFOX_PATH : null;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p)) ?? null;
}

/** playwright-core's `chromium`, from scripts/cross/node_modules (null when not installed). */
export function playwrightChromium() {
  const require = createRequire(new URL('./package.json', import.meta.url));
  try {
    return require('playwright-core').chromium;
  } catch {
    return null;
  }
}

/** Launches headless Chromium (Debian's) with playwright-core. */
export async function launchChromium() {
  const chromium = playwrightChromium();
  const executablePath = chromiumPath();
  if (!chromium || !executablePath) throw new Error('Chromium needs playwright-core (scripts/cross) and /usr/bin/chromium (apt-get install chromium)');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Prefs for a throwaway Firefox profile: no first-run pages, telemetry, updates,
 * safe-browsing, push or captive-portal probes; all non-loopback traffic to a dead proxy.
 */
const FIREFOX_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'browser.newtabpage.enabled': false,
  'startup.homepage_welcome_url': 'about:blank',
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.search.update': false,
  'dom.push.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'services.settings.server': `http://${DEAD_PROXY}/`,
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.no_proxies_on': '127.0.0.1,localhost',
  'network.proxy.allow_hijacking_localhost': false,
};

export function firefoxVersion(bin) {
  // "Mozilla Firefox 128.5.0esr"
  const out = execFileSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, MOZ_HEADLESS: '1' } });
  return out.trim().split(/\s+/).pop();
}

/**
 * Opens `url` in headless Firefox with a fresh profile. Returns stop(): kills
 * the browser's process group (its content processes included) and removes the profile.
 */
export function openInFirefox(bin, url) {
  const profile = mkdtempSync(join(tmpdir(), 'ddpg-firefox-'));
  const prefs = Object.entries(FIREFOX_PREFS).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`);
  writeFileSync(join(profile, 'user.js'), prefs.join('\n') + '\n');
  const child = spawn(bin, ['--headless', '--no-remote', '--profile', profile, url], {
    detached: true, // own process group, so stop() ends the content processes too
    stdio: 'ignore',
    env: { ...process.env, MOZ_HEADLESS: '1' },
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
        const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
