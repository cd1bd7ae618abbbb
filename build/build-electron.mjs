// Bundles the Node-side entry points with esbuild: the Electron main and preload (CommonJS, as
// Electron's sandboxed preload requires), the browser host's bridge script, and a bundled CLI
// for packaged installs. Native modules stay external (electron-builder unpacks them from asar).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// ffmpeg/ffprobe installers find their binaries from their own folder, so they stay packages too.
const external = ['electron', 'better-sqlite3', 'onnxruntime-node', 'sharp', 'bufferutil', 'utf-8-validate', '@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe'];
const metaUrl = { 'import.meta.url': '__canvass_import_meta_url' };
const cjsBanner = { js: "const __canvass_import_meta_url = require('node:url').pathToFileURL(__filename).href;" };

await Promise.all([
  build({
    entryPoints: [join(root, 'electron/shell/main.ts')],
    outfile: join(root, 'dist/electron/main.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external,
    define: metaUrl,
    banner: cjsBanner,
    sourcemap: true,
    logLevel: 'warning',
  }),
  // The footage worker, beside each bundle that holds the pool (main.cjs, cli.mjs): that is
  // where native/footage/pool.ts looks for it first.
  ...['dist/electron/footage-worker.mjs', 'dist/footage-worker.mjs'].map((out) =>
    build({
      entryPoints: [join(root, 'native/footage/worker.ts')],
      outfile: join(root, out),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external,
      packages: 'external',
      logLevel: 'warning',
    }),
  ),
  build({
    entryPoints: [join(root, 'electron/shell/preload.ts')],
    outfile: join(root, 'dist/electron/preload.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'warning',
  }),
  build({
    entryPoints: [join(root, 'electron/host/client.ts')],
    outfile: join(root, 'dist/host-client.js'),
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    minify: true,
    logLevel: 'warning',
  }),
  build({
    entryPoints: [join(root, 'electron/cli/main.ts')],
    outfile: join(root, 'dist/cli.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: [...external, 'commander'],
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  }),
]);
console.log('built dist/electron/{main,preload}.cjs, {dist,dist/electron}/footage-worker.mjs, dist/host-client.js, dist/cli.mjs');
