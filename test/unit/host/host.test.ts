// The browser host (issue 2 §7, §9): CSP and security headers, loopback-only origin checks,
// the same audited api door, no path traversal, MBTiles tiles.
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../../electron/host/server';
import { harness, type Harness } from '../../support/core';
import { tempDir } from '../../support/temp';

let h: Harness;
let host: Host;
let dir: string;

beforeAll(async () => {
  h = await harness();
  // the renderer folder inside a temporary one, so the file beside it (not to be served) is ours
  // too; both go after the file's tests, once the host below is closed (test/support/temp.ts)
  dir = join(tempDir('canvass-host-'), 'renderer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>Canvass</title></head><body></body></html>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, '..', 'secret.txt'), 'do not serve');
  writeFileSync(join(dir, 'client.js'), 'window.canvass = {}');
  host = await startHost({ core: h.core, port: 0, rendererDir: dir, clientScript: join(dir, 'client.js') });
});
afterAll(async () => {
  await host.close();
});

const api = (name: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL('/api/call', host.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ name, input }),
  });

/** A raw request, so the Host header can be forged (fetch refuses to). */
function rawGet(path: string, hostHeader: string): Promise<number> {
  const u = new URL(host.url);
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: u.port, path, headers: { Host: hostHeader } }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('browser host', () => {
  it('serves the app with a strict CSP and injects the bridge script', async () => {
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<script src="/host-client.js"></script>');
  });

  it('listens on loopback only and refuses other Host names (DNS rebinding)', async () => {
    expect(new URL(host.url).hostname).toBe('127.0.0.1');
    expect(await rawGet('/', `127.0.0.1:${new URL(host.url).port}`)).toBe(200);
    expect(await rawGet('/', 'evil.example:80')).toBe(403);
  });

  it('refuses cross-origin api calls and non-JSON bodies', async () => {
    const cross = await api('setup.status', {}, { Origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const form = await fetch(new URL('/api/call', host.url), { method: 'POST', body: 'name=auth.me' });
    expect(form.status).toBe(415);
  });

  it('runs the same audited api: no session → refused; signed in → answered', async () => {
    const refused = await (await api('reads.sources', {})).json();
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const signIn = (await (await api('auth.signIn', { username: 'admin', password: 'correct-horse-9' })).json()) as {
      result: { token: string };
    };
    const me = await (await api('auth.me', {}, { Authorization: `Bearer ${signIn.result.token}` })).json();
    expect(me).toMatchObject({ ok: true, result: { user: { username: 'admin' } } });
  });

  it('does not serve files outside the renderer folder', async () => {
    expect(await rawGet('/../secret.txt', `127.0.0.1:${new URL(host.url).port}`)).toBe(404);
    expect((await fetch(new URL('/%2e%2e/secret.txt', host.url))).status).toBe(404);
    expect((await fetch(new URL('/app.js', host.url))).status).toBe(200);
  });

  it('serves tiles from an offline MBTiles file named in the settings', async () => {
    const mb = join(dir, 'city.mbtiles');
    const db = new Database(mb);
    db.exec("CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'png');");
    db.exec('CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)');
    db.prepare('INSERT INTO tiles VALUES (2, 1, 1, ?)').run(Buffer.from('PNGDATA')); // TMS row 1 at z2 = XYZ row 2
    db.close();
    await h.call(h.adminToken, 'agency.update', { settings: { tiles: { mbtilesPath: mb, onlineUrl: null, attribution: 'City GIS' } } });
    const t = await fetch(new URL('/tiles/2/1/2', host.url));
    expect(t.status).toBe(200);
    expect(t.headers.get('content-type')).toBe('image/png');
    expect(await t.text()).toBe('PNGDATA');
    expect((await fetch(new URL('/tiles/2/1/1', host.url))).status).toBe(404);
    const me = await h.call(h.adminToken, 'auth.me', {});
    expect(me.tiles).toEqual({ kind: 'mbtiles', url: '/tiles/{z}/{x}/{y}', attribution: 'City GIS' });
  });
});
