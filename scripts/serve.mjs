// A tiny server for the playground, with no dependencies beyond the built
// package: every request goes first to the package's local sandbox gateway
// (`createSandbox` from pkg/sandbox.js: /router/rest, /router/qimen/service
// and /sandbox/*, with the development credentials appKey 10000001, appSecret
// sandbox-secret, customerId sandbox-customer), then `/pkg/...` is served
// from pkg/ (the built npm package) and everything else from www/.
// Listens on 127.0.0.1 only. `node scripts/serve.mjs` (PORT=8080 by default,
// PORT=0 for any free port), or `import { createServer }` from a test.

import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** Maps a URL path to a file under one of the roots, or null (never outside them). */
export function resolvePath(urlPath, root = ROOT) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const [base, rest] = decoded === '/pkg' || decoded.startsWith('/pkg/')
    ? [path.join(root, 'pkg'), decoded.slice('/pkg'.length)]
    : [path.join(root, 'www'), decoded];
  const file = path.resolve(base, '.' + path.posix.normalize('/' + rest));
  return file === base || file.startsWith(base + path.sep) ? file : null;
}

async function send(req, res, root) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname;
  try {
    pathname = new URL(req.url, 'http://localhost').pathname;
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = resolvePath(pathname, root);
  let info = file && (await stat(file).catch(() => null));
  if (info && info.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { Location: pathname + '/' }).end();
      return;
    }
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info || !info.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/**
 * The package's `createSandbox` under `root`, or null while pkg/ has no
 * sandbox. pkg/sandbox.js exports it, or (an older layout) exports the
 * factory that pkg/index.js turns into its `createSandbox` export.
 */
export async function loadCreateSandbox(root = ROOT) {
  const file = path.join(root, 'pkg', 'sandbox.js');
  if (!existsSync(file)) return null;
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.createSandbox === 'function') return mod.createSandbox;
  const index = await import(pathToFileURL(path.join(root, 'pkg', 'index.js')).href);
  return typeof index.createSandbox === 'function' ? index.createSandbox : null;
}

/**
 * An http.Server serving the sandbox, www/ and pkg/ under `root` (the
 * repository by default). `options.sandbox`: the options of `createSandbox`
 * (default: the development credentials), or false for no sandbox.
 * `server.sandbox` resolves to the sandbox (null when there is none).
 */
export function createServer(root = ROOT, { sandbox: sandboxOptions = {} } = {}) {
  const sandbox =
    sandboxOptions === false
      ? Promise.resolve(null)
      : loadCreateSandbox(root).then((create) => {
          if (!create) {
            console.error('serve: pkg/sandbox.js is missing: no sandbox at /router/rest and /router/qimen/service (run make pkg)');
            return null;
          }
          return create(sandboxOptions);
        })
        .catch((error) => {
          console.error(`serve: the sandbox did not start: ${error.message}`);
          return null;
        });
  const server = http.createServer((req, res) => {
    (async () => {
      const box = await sandbox;
      if (box && (await box.handle(req, res))) return;
      await send(req, res, root);
    })().catch((error) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.sandbox = sandbox;
  server.on('close', () => {
    sandbox.then((box) => box?.close()).catch(() => {});
  });
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 8080);
  const server = createServer();
  server.on('error', (error) => {
    console.error(`serve: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', async () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    console.log(`serving www/ and pkg/ on ${origin}/ (Ctrl-C stops)`);
    if (await server.sandbox) {
      console.log(`sandbox gateway: ${origin}/router/rest (TOP) and ${origin}/router/qimen/service (Qimen), control at ${origin}/sandbox/log`);
      console.log('  development credentials: appKey 10000001, appSecret sandbox-secret, customerId sandbox-customer');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
}
