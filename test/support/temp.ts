// Temporary folders for tests, removed when the test file that made them is done with them.
//
// `tempDir(prefix)` makes a fresh folder under the OS temporary folder and remembers it; one
// afterAll removes every remembered folder. That hook is registered when this module is
// imported, and vitest imports a test file's static imports while it collects that file, before
// any of the file's own code: so the hook belongs to the file itself, not to a describe block.
// The afterAll hooks of the file's describe blocks run before it (a block finishes before its
// file), and so do the file's own top-level ones (hooks of one level run last-registered first,
// vitest's default "stack" order). So a folder may be made anywhere — at the top of the file, in
// a describe body, in beforeAll or inside a test — and be shared by later tests, or handed to a
// host, a child process or worker threads that an afterAll stops: it outlives all of them.
//
// Import this only from test files or the helpers they import (never from vitest's global
// setup, nor from scripts run outside vitest). It relies on vitest's default isolation (both
// configs keep it), which imports this module afresh for every test file: under isolate: false
// it would be imported once per worker, and only the first file's folders would be removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Folders this test file made, not yet removed. */
const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/** A fresh folder `<tmpdir>/<prefix>XXXXXX`, removed with its contents after the current test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
