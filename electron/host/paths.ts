// Where the built pieces live, relative to the project (or the packaged app) root.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file that holds package.json. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Canvass root (package.json)');
    dir = up;
  }
  return dir;
}

export const rendererDir = (root = appRoot()) => join(root, 'dist', 'renderer');
export const hostClientScript = (root = appRoot()) => join(root, 'dist', 'host-client.js');
