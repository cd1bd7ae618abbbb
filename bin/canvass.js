#!/usr/bin/env node
// The `canvass` command. Runs the TypeScript CLI through tsx so a fresh clone works after `npm ci`
// without a build step; packaged builds ship the bundled dist/cli.mjs instead.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'dist', 'cli.mjs');
if (process.env.CANVASS_USE_BUNDLE === '1' && existsSync(bundled)) {
  await import(pathToFileURL(bundled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'electron', 'cli', 'main.ts')).href);
}
