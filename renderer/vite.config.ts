// Vite build of the renderer: one static bundle in dist/renderer that both shells serve
// (Electron through its custom protocol, the browser host over loopback). Relative base so
// the same files work from file-like and http origins; no CDN, no inline scripts (strict CSP).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Inline assets become data: URLs, which the CSP allows only for images; keep fonts/etc. as files.
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
