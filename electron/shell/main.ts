// Electron main process: thin glue (DESIGN "electron/shell"). Opens the store, serves the
// renderer over a privileged custom protocol with the shared CSP, relays the two api channels
// to the dispatcher, and serves offline map tiles. All application logic is in the core.
import { app, BrowserWindow, ipcMain, protocol, net } from 'electron';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Dispatcher } from '../api/dispatcher';
import { startJobs } from '../api/handlers/footage';
import { requestStopAll } from '../core/jobs/queue';
import { getAgency } from '../core/agency/profile';
import { createCore } from '../core/app';
import { resolveDataDir } from '../core/store/db';
import { contentSecurityPolicy } from '../host/csp';
import { MbTiles } from '../host/tiles';
import { APP_ORIGIN, hardenApp, secureWebPreferences } from './security';

const argDataDir = (() => {
  const i = process.argv.indexOf('--data-dir');
  return i > 0 ? process.argv[i + 1] : undefined;
})();

protocol.registerSchemesAsPrivileged([
  { scheme: 'canvass-app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'canvass-tiles', privileges: { standard: true, secure: true } },
]);
hardenApp();

app.whenReady().then(() => {
  const core = createCore({
    dataDir: resolveDataDir(argDataDir),
    onMigration: (m) => {
      if (m.from > 0) console.log(`canvass: updating the store to version ${m.version} (${m.step} of ${m.steps}: ${m.name})…`);
    },
  });
  const api = new Dispatcher(core);
  const root = join(__dirname, '..', 'renderer');
  let tiles: { path: string; db: MbTiles } | null = null;

  protocol.handle('canvass-app', async (req) => {
    const url = new URL(req.url);
    const rel = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file)) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    if (file.endsWith('.html')) {
      headers.set('Content-Security-Policy', contentSecurityPolicy({
        onlineTileUrl: getAgency(core.store.db)?.settings.tiles.onlineUrl ?? null,
        extraImg: ['canvass-tiles:'],
      }));
    }
    return new Response(res.body, { status: res.status, headers });
  });

  protocol.handle('canvass-tiles', (req) => {
    const m = /^\/(\d+)\/(\d+)\/(\d+)$/.exec(new URL(req.url).pathname);
    const path = getAgency(core.store.db)?.settings.tiles.mbtilesPath ?? null;
    if (!m || !path || !existsSync(path)) return new Response('No tile', { status: 404 });
    if (tiles?.path !== path) {
      tiles?.db.close();
      tiles = { path, db: new MbTiles(path) };
    }
    const t = tiles.db.tile(Number(m[1]), Number(m[2]), Number(m[3]));
    return t ? new Response(t, { headers: { 'Content-Type': tiles.db.contentType } }) : new Response('No tile', { status: 404 });
  });

  ipcMain.handle('canvass:call', async (event, msg: unknown) => {
    // Only our own page may call, and only with the one message shape.
    if (!event.senderFrame?.url.startsWith(APP_ORIGIN)) {
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the Canvass window.' } };
    }
    const m = (msg ?? {}) as { name?: unknown; input?: unknown; token?: unknown };
    return api.call(String(m.name ?? ''), m.input, { token: typeof m.token === 'string' ? m.token : undefined, origin: 'electron' });
  });

  core.events.on('event', (e) => BrowserWindow.getAllWindows().forEach((w) => w.webContents.send('canvass:event', e)));

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Canvass',
    show: false,
    webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);

  // Footage jobs left queued or interrupted by a quit or crash go on (issue 5).
  startJobs(core);
  // the canvass and plate indexes into the OS cache in the background (first searches after a reboot)
  core.store.checkpointer?.warm();

  app.on('before-quit', () => requestStopAll(core.store.db));
  app.on('window-all-closed', () => {
    core.close();
    app.quit();
  });
});
