// The JS half of `npm run build`: rolldown (pinned in package.json; its output is
// what we ship) bundles src/ straight from TypeScript into dist/, minified with
// function and class names kept (error stacks and `.name` stay readable).
//
//   dist/index.js, policy.js, workerd.js,    the entries
//   policy-workerd.js
//   dist/chunks/core.js                      what every entry reaches: the loader (its
//                                            module state exists once), networks, the
//                                            container and Policy; no training code
//   dist/chunks/library.js                   the rest of the library
//   dist/normalize.js                        NormalizeEnv alone (ddpg-wasm/normalize)
//   dist/chunks/normalize.js                 NormalizeEnv (that entry's and the CLI's)
//   dist/chunks/wasm-bytes.js                the inlined full wasm module and index.ts's
//                                            init (index.js and the CLI; never the workerd
//                                            entries; ddpg-wasm/policy has its own
//                                            forward-only module inside dist/policy.js)
//   dist/chunks/threads.js                   initThreads' code, loaded by its import()
//   dist/chunks/fast.js                      initFast's code, loaded by its import()
//   dist/cli/main.js                         src/cli/* in one file
//
// Rolldown groups modules by the set of entries that reach them, which gives
// exactly these chunks; the plugin below only names them, and fails the build
// when the split is anything else (a new chunk would be a new file to ship and
// to test). It also writes build/bundle-manifest.json (not shipped; the tests
// read it): which src/ module went into which output file, and which src/
// modules no output holds (modules of types only).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'rolldown';

const ROOT = dirname(fileURLToPath(import.meta.url));
const SRC = join(ROOT, 'src');
const toPosix = (p) => p.split(sep).join('/');
/** src-relative module name as it was emitted before: 'kernels/loader.js'. */
const moduleName = (id) => toPosix(relative(SRC, id)).replace(/\.ts$/, '.js');

/** A shared chunk's name, from the modules in it. */
function chunkName({ name, moduleIds }) {
  if (moduleIds.length === 0) return name; // asked for rolldown's runtime helpers before they are merged into a chunk
  const names = moduleIds.filter((id) => id.startsWith(SRC)).map(moduleName);
  if (names.includes('kernels/wasm-bytes.js')) return 'wasm-bytes';
  if (names.includes('kernels/threads.js')) return 'threads';
  if (names.includes('kernels/fast.js')) return 'fast';
  if (names.includes('kernels/loader.js')) return 'core';
  if (names.includes('agents/core.js')) return 'library';
  if (names.includes('envs/normalize.js')) return 'normalize'; // NormalizeEnv: the normalize entry's and the CLI's
  throw new Error(`rolldown.config.mjs: unexpected shared chunk of ${names.join(', ')}`);
}

function srcModules(dir = SRC) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return srcModules(p);
    return /\.[jt]s$/.test(d.name) && !d.name.endsWith('.d.ts') ? [moduleName(p)] : [];
  });
}

const manifest = {
  name: 'ddpg-wasm:manifest',
  generateBundle(_options, bundle) {
    const outputs = {};
    for (const out of Object.values(bundle)) {
      if (out.type !== 'chunk') continue;
      if (out.isEntry === false && !out.fileName.startsWith('chunks/')) this.error(`unexpected output ${out.fileName}`);
      outputs[out.fileName] = out.moduleIds.filter((id) => id.startsWith(SRC)).map(moduleName);
    }
    const placed = new Set(Object.values(outputs).flat());
    const unreached = srcModules().filter((m) => !placed.has(m)).sort();
    const file = join(ROOT, 'build', 'bundle-manifest.json');
    mkdirSync(dirname(file), { recursive: true });
    const note = 'Written by rolldown.config.mjs: which src/ module (as .js) went into which output file.';
    writeFileSync(file, `${JSON.stringify({ note, outputs, unreached }, null, 2)}\n`);
  },
};

export default defineConfig({
  input: {
    index: 'src/index.ts',
    policy: 'src/policy.ts',
    workerd: 'src/workerd.ts',
    'policy-workerd': 'src/policy-workerd.ts',
    normalize: 'src/normalize.ts',
    'cli/main': 'src/cli/main.ts',
  },
  platform: 'neutral',
  // node:* is the CLI's (the only layer allowed it); ./kernels.wasm stays an import
  // that edge runtimes resolve to a compiled WebAssembly.Module; bullmq and ioredis
  // are the optional peers of `sweep --queue` / `worker`, import()ed from the user's node_modules.
  external: [/^node:/, /\.wasm$/, 'bullmq', 'ioredis'],
  plugins: [manifest],
  output: {
    dir: 'dist',
    cleanDir: true, // the .d.ts and the .wasm are written after this step
    format: 'esm',
    minify: true,
    keepNames: true,
    charset: 'utf8', // the inlined wasm is one char per byte: never \u escapes
    chunkFileNames: (chunk) => `chunks/${chunkName(chunk)}.js`,
  },
});
