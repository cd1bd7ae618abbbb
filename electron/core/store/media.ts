// Content-addressed media folder: images are stored once, named by their SHA-256, in
// two-level fan-out folders. The tables keep only the hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHA = /^[0-9a-f]{64}$/;

export class MediaStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!SHA.test(sha256)) throw new Error(`not a SHA-256 media reference: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Stores bytes and returns their SHA-256. Writing the same bytes twice is a no-op. */
  put(bytes: Uint8Array): string {
    const sha = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha);
    if (existsSync(path)) return sha;
    mkdirSync(join(this.root, sha.slice(0, 2), sha.slice(2, 4)), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path); // atomic: a crash never leaves a half-written file under its hash
    return sha;
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  get(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }
}
