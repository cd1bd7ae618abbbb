// Opens the workstation store: one SQLite file (WAL) and a content-addressed media folder
// beside it. The data folder comes from --data-dir, then CANVASS_DATA_DIR, then the OS default.
import Database from 'better-sqlite3';
import type { Database as DB } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { migrate, migrations, type MigrationStep } from './migrations';
import { MediaStore } from './media';
import { startCheckpointer, type Checkpointer } from './checkpointer';

export interface Store {
  db: DB;
  dataDir: string;
  media: MediaStore;
  /** The WAL checkpoint thread of a store file (checkpointer.ts); null for an in-memory store. */
  checkpointer: Checkpointer | null;
  close(): void;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const p = platform();
  if (p === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Canvass');
  if (p === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Canvass');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'canvass');
}

export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.CANVASS_DATA_DIR ?? defaultDataDir(env);
}

/** Opens (creating if needed) the store in dataDir and runs pending migrations. */
export function openStore(dataDir: string, opts: { onMigration?: (s: MigrationStep) => void } = {}): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'canvass.sqlite'));
  try {
    configure(db);
    migrate(db, migrations, opts.onMigration);
  } catch (e) {
    db.close();
    throw e;
  }
  const media = new MediaStore(join(dataDir, 'media'));
  const checkpointer = startCheckpointer(db, join(dataDir, 'canvass.sqlite'));
  return {
    db,
    dataDir,
    media,
    checkpointer,
    close: () => {
      checkpointer.stop();
      db.close();
    },
  };
}

/** An in-memory store built by the same migrations, for tests. */
export function openMemoryStore(mediaDir?: string): Store {
  const db = new Database(':memory:');
  configure(db);
  migrate(db);
  const media = new MediaStore(mediaDir ?? join(process.cwd(), '.canvass-data', 'test-media'));
  return { db, dataDir: ':memory:', media, checkpointer: null, close: () => db.close() };
}

function configure(db: DB): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 64 MB page cache: imports write several indexes in random key order (plates, hashes),
  // which the default 2 MB cache turns into repeated page reads (bench: import).
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  // after a big import the WAL is cut back to 64 MB once its pages are in the file
  db.pragma('journal_size_limit = 67108864');
}
