#!/usr/bin/env node
/**
 * A tiny static file server for the examples (Node only, no dependencies).
 * Serves the repository root so a page can load `/dist/index.js` and
 * `/examples/browser/…` by plain relative URLs; binds to loopback only.
 *
 *   node examples/serve.mjs [port]      → http://127.0.0.1:8080/examples/browser/
 *
 * Also used by the crosscheck and the Playwright tests, which pass `onPost` to
 * receive results that a page POSTs back.
 *
 * Every response carries Cross-Origin-Opener-Policy: same-origin and
 * Cross-Origin-Embedder-Policy: require-corp, which make a page cross-origin
 * isolated: SharedArrayBuffer exists there, so the demo trains with threads
 * (initThreads). `isolate: false` serves a plain page (the one-thread fallback).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The headers that make a page cross-origin isolated (its subresources are all same-origin here). */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * Starts the server. `onPost(path, body: string)` receives POST requests;
 * `isolate` (default true) sends the COOP/COEP headers.
 * Resolves { url, port, close() } once listening (port 0 = any free port).
 * @param {{ root?: string, port?: number, isolate?: boolean, onPost?: (path: string, body: string) => void }} [o]
 */
export function serve(o = {}) {
  const root = resolve(o.root ?? REPO_ROOT);
  const isolation = o.isolate === false ? {} : ISOLATION;
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        o.onPost?.(path, body);
        res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
      });
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store', ...isolation });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
    }
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      res({ url: `http://127.0.0.1:${port}`, port, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8080);
  const { url } = await serve({ port });
  console.log(`serving ${REPO_ROOT} at ${url}/  (demo: ${url}/examples/browser/)`);
}
