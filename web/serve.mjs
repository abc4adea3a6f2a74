#!/usr/bin/env node
// Serves the built page on 127.0.0.1 with the headers it needs: COOP/COEP make it cross-origin
// isolated (ONNX Runtime Web may then use threads), and the Content-Security-Policy keeps every
// request on this origin. Any static server that sends these headers works as well.
// Usage: node web/serve.mjs [SITE_DIR] [--port N] [--host ADDRESS]
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node web/serve.mjs [SITE_DIR] [--port N] [--host ADDRESS]\n' +
    'Serves SITE_DIR (default build-web/site) with COOP/COEP and CSP headers; default 127.0.0.1:8080.');
  process.exit(0);
}
function option(name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}
const port = Number(option('--port', process.env.PORT || 8080));
const host = option('--host', '127.0.0.1');
const root = resolve(args[0] || 'build-web/site');

export const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; " +
    "img-src 'self' blob: data:; style-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; " +
    "form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.onnx': 'application/octet-stream',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

try {
  statSync(join(root, 'index.html'));
} catch {
  console.error(`serve: ${root}/index.html not found: build the page first (cmake --build --preset web)`);
  process.exit(1);
}

const server = createServer((request, response) => {
  let path;
  try {
    path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    response.writeHead(400, headers).end('bad request');
    return;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403, headers).end('forbidden');
    return;
  }
  let stats;
  try {
    stats = statSync(file);
  } catch {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  if (!stats.isFile()) {
    response.writeHead(404, headers).end('not found');
    return;
  }
  response.writeHead(200, {
    ...headers,
    'Content-Type': types[extname(file)] || 'application/octet-stream',
    'Content-Length': stats.size,
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
});
server.on('error', (error) => {
  console.error(`serve: ${error.message}${error.code === 'EADDRINUSE' ? ` (try --port ${port + 1})` : ''}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const address = server.address();
  console.log(`stratum is served at http://${host}:${address.port}/  (Ctrl+C stops it)`);
});
