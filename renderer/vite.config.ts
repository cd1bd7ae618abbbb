// Vite build of the renderer: one static bundle in dist/renderer that both shells serve
// (Electron through its custom protocol, the browser host over loopback). Relative base so
// the same files work from file-like and http origins; no CDN, no inline scripts (strict CSP).
//
// Development: `CANVASS_HOST=http://127.0.0.1:5178 npm run dev:renderer` (with `canvass serve
// --port 5178` running) proxies the api, events, tiles and the bridge script to that host, so
// the page gets hot reload and a real core. Without CANVASS_HOST the page says it has no bridge.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const devHost = process.env.CANVASS_HOST;

/** Dev only: load the host's bridge script before the app, as the host itself does. */
function devBridge(): Plugin {
  return {
    name: 'canvass-dev-bridge',
    apply: 'serve',
    transformIndexHtml: () =>
      devHost ? [{ tag: 'script', attrs: { src: '/host-client.js' }, injectTo: 'head-prepend' }] : [],
  };
}

/** The host accepts only its own origin; the dev proxy speaks to it as a same-origin page would. */
const toHost = devHost
  ? {
      target: devHost,
      changeOrigin: true,
      ws: true,
      configure: (proxy: {
        on(ev: 'proxyReq', fn: (req: { removeHeader(n: string): void }) => void): void;
      }) => {
        proxy.on('proxyReq', (req) => req.removeHeader('origin'));
      },
    }
  : undefined;

export default defineConfig({
  root,
  base: './',
  plugins: [react(), devBridge()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Keep every asset a file: data: URLs are allowed by the CSP only for images.
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    host: '127.0.0.1',
    strictPort: false,
    proxy: toHost ? { '/api': toHost, '/events': toHost, '/tiles': toHost, '/host-client.js': toHost } : {},
  },
});
