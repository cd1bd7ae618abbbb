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
  // The footage threads (recognition worker, frame reader, state reader), beside each bundle that holds the
  // pipeline (main.cjs, cli.mjs): that is where native/footage/entry.ts looks for them first.
  // The store's WAL checkpoint thread likewise (electron/core/store/checkpointer.ts).
  ...['dist/electron', 'dist'].flatMap((dir) => [
    ['footage-worker', 'native/footage/worker.ts'],
    ['footage-decoder', 'native/footage/decode-thread.mjs'],
    ['footage-state', 'native/footage/state-thread.ts'],
    ['store-checkpoint', 'electron/core/store/checkpoint-thread.mjs'],
  ].map(([name, src]) =>
    build({
      entryPoints: [join(root, src)],
      outfile: join(root, dir, `${name}.mjs`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external,
      packages: 'external',
      logLevel: 'warning',
    }),
  )),
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
console.log('built dist/electron/{main,preload}.cjs, {dist,dist/electron}/{footage-worker,footage-decoder,footage-state,store-checkpoint}.mjs, dist/host-client.js, dist/cli.mjs');
