// Fails fast, with the fix in the message, when the builds the host serves are missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(__dirname, '../../..');
  const missing = ['dist/renderer/index.html', 'dist/host-client.js'].filter(
    (p) => !existsSync(join(root, p)),
  );
  if (missing.length) {
    throw new Error(
      `End-to-end tests need the build (${missing.join(', ')} missing): run \`npm run build\` first.`,
    );
  }
}
