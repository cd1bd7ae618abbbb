// Where a footage thread's code is. A packaged build bundles each as footage-NAME.mjs beside
// the bundle that holds this code (build/build-electron.mjs). From source, the recognition
// worker goes through worker-entry.mjs, which registers tsx and imports worker.ts; the frame
// reader is plain JavaScript (decode-thread.mjs) and needs no loader; the state reader's thread
// goes through state-entry.mjs like the worker.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function threadEntry(name: 'worker' | 'decoder' | 'state'): URL {
  const bundled = new URL(`./footage-${name}.mjs`, import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  const source = { worker: './worker-entry.mjs', decoder: './decode-thread.mjs', state: './state-entry.mjs' }[name];
  return new URL(source, import.meta.url);
}
