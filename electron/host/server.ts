// The browser host: serves the renderer build and the api on 127.0.0.1 for any browser (tests,
// kiosks, machines where only a browser is allowed). Same dispatcher, same CSP as Electron.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { Dispatcher } from '../api/dispatcher';
import { getAgency } from '../core/agency/profile';
import type { Core } from '../core/app';
import { resolveSession } from '../core/auth/sessions';
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp';
import { MbTiles } from './tiles';

export interface HostOptions {
  core: Core;
  port: number;
  /** The Vite build of the renderer (index.html and assets). */
  rendererDir: string;
  /** The compiled bridge script (dist/host-client.js). */
  clientScript: string;
  maxBodyBytes?: number;
}

export interface Host {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export async function startHost(opts: HostOptions): Promise<Host> {
  const { core } = opts;
  const api = new Dispatcher(core);
  const root = resolve(opts.rendererDir);
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`The renderer is not built (${indexPath} is missing). Run \`npm run build\` first.`);
  const clientJs = readFileSync(opts.clientScript);
  const maxBody = opts.maxBodyBytes ?? 300 * 1024 * 1024;
  let tiles: { path: string; db: MbTiles } | null = null;
  let origin = '';

  const csp = () => contentSecurityPolicy({ onlineTileUrl: getAgency(core.store.db)?.settings.tiles.onlineUrl ?? null });

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...SECURITY_HEADERS, ...extra });
    res.end(body);
  }

  function tileDb(): MbTiles | null {
    const path = getAgency(core.store.db)?.settings.tiles.mbtilesPath ?? null;
    if (!path) return null;
    if (tiles?.path !== path) {
      tiles?.db.close();
      tiles = existsSync(path) ? { path, db: new MbTiles(path) } : null;
    }
    return tiles?.db ?? null;
  }

  /** Requests must be addressed to this host by its own name (blocks DNS rebinding) and come from its own pages. */
  function sameOrigin(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    const port = new URL(origin).port;
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return false;
    const o = req.headers.origin;
    return o === undefined || o === `http://${host}`;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxBody) return send(res, 413, JSON.stringify({ ok: false, error: { code: 'invalid_input', message: 'Request too large.' } }), TYPES['.json']!);
      chunks.push(c as Buffer);
    }
    let body: { name?: unknown; input?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return send(res, 400, JSON.stringify({ ok: false, error: { code: 'invalid_input', message: 'The request body is not JSON.' } }), TYPES['.json']!);
    }
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const result = await api.call(String(body?.name ?? ''), body?.input, { token, origin: 'browser' });
    send(res, 200, JSON.stringify(result), TYPES['.json']!);
  }

  function serveStatic(url: URL, res: ServerResponse) {
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '/index.html') {
      const html = readFileSync(indexPath, 'utf8').replace('<head>', '<head>\n    <script src="/host-client.js"></script>');
      return send(res, 200, html, TYPES['.html']!, { 'Content-Security-Policy': csp() });
    }
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return send(res, 404, 'Not found', 'text/plain');
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache', ...SECURITY_HEADERS });
    createReadStream(file).pipe(res);
    rel = '';
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!sameOrigin(req)) return send(res, 403, 'Forbidden: wrong host or origin', 'text/plain');
    if (url.pathname === '/api/call') {
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'JSON only', 'text/plain');
      handleApi(req, res).catch((e) => send(res, 500, JSON.stringify({ ok: false, error: { code: 'internal', message: String(e) } }), TYPES['.json']!));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain');
    if (url.pathname === '/host-client.js') return send(res, 200, clientJs, TYPES['.js']!);
    if (url.pathname === '/healthz') return send(res, 200, 'ok', 'text/plain');
    const t = /^\/tiles\/(\d+)\/(\d+)\/(\d+)(?:\.\w+)?$/.exec(url.pathname);
    if (t) {
      const db = tileDb();
      const tile = db?.tile(Number(t[1]), Number(t[2]), Number(t[3])) ?? null;
      return tile ? send(res, 200, tile, db!.contentType, { 'Cache-Control': 'max-age=86400' }) : send(res, 404, 'No tile', 'text/plain');
    }
    serveStatic(url, res);
  });

  // Events: a socket proves its session with the first message, then receives core events.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    if (!sameOrigin(req) || new URL(req.url ?? '/', 'http://x').pathname !== '/events') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once('message', (m) => {
        try {
          const { token } = JSON.parse(String(m)) as { token: string };
          resolveSession(core.store.db, core.clock, token, 24 * 3600_000);
          sockets.add(ws);
          ws.on('close', () => sockets.delete(ws));
        } catch {
          ws.close(4401, 'unauthenticated');
        }
      });
    });
  });
  const forward = (e: { type: string; payload: unknown }) => sockets.forEach((s) => s.send(JSON.stringify(e)));
  core.events.on('event', forward);

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => ok());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: async () => {
      core.events.off('event', forward);
      sockets.forEach((s) => s.terminate());
      wss.close();
      tiles?.db.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
    },
  };
}
