// Where a footage thread's code is. A packaged build bundles each as footage-NAME.mjs beside
// the bundle that holds this code (build/build-electron.mjs); from source, worker-entry.mjs
// registers tsx and imports the TypeScript.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function threadEntry(name: 'worker' | 'decoder'): URL {
  const bundled = new URL(`./footage-${name}.mjs`, import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? bundled : new URL('./worker-entry.mjs', import.meta.url);
}
