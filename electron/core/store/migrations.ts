// Numbered, append-only schema migrations. A migration is never edited once it has shipped:
// changes go in a new, higher number. Each runs in its own transaction with user_version.
import type { Database } from 'better-sqlite3';
import { CanvassError } from '../errors';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'identity, audit, reads',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

        -- R15: the agency profile, its purposes and policy text. One row.
        CREATE TABLE agency (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          name TEXT NOT NULL,
          ori TEXT NOT NULL,
          purposes TEXT NOT NULL,          -- JSON array of strings
          policy_text TEXT NOT NULL,
          policy_version INTEGER NOT NULL DEFAULT 1,
          settings TEXT NOT NULL DEFAULT '{}', -- JSON: idle minutes, TOTP rule, tiles
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        -- R2, R3: individual accounts.
        CREATE TABLE users (
          id INTEGER PRIMARY KEY,
          username TEXT NOT NULL UNIQUE COLLATE NOCASE,
          display_name TEXT NOT NULL,
          role TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          totp_secret TEXT,
          totp_pending TEXT,
          disabled INTEGER NOT NULL DEFAULT 0,
          failed_attempts INTEGER NOT NULL DEFAULT 0,
          locked_until INTEGER,
          policy_ack_version INTEGER NOT NULL DEFAULT 0,
          policy_ack_at INTEGER,
          must_change_password INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE sessions (
          token_hash TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users(id),
          created_at INTEGER NOT NULL,
          last_active INTEGER NOT NULL,
          locked INTEGER NOT NULL DEFAULT 0,
          ended_at INTEGER
        ) STRICT;

        -- R2: training records; access to ALPR data needs a current one.
        CREATE TABLE training (
          id INTEGER PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users(id),
          course TEXT NOT NULL,
          completed_on TEXT NOT NULL,      -- ISO date
          expires_on TEXT NOT NULL,        -- ISO date
          recorded_by INTEGER REFERENCES users(id),
          recorded_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX training_user ON training(user_id, expires_on);

        -- R1, R3, R4: append-only, hash-chained audit log.
        CREATE TABLE audit (
          seq INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          user_id INTEGER,
          username TEXT,
          role TEXT,
          command TEXT NOT NULL,
          audit_class TEXT NOT NULL,
          purpose TEXT,
          case_number TEXT,
          query TEXT,                      -- JSON of the query elements
          outcome TEXT NOT NULL,           -- ok | denied | invalid | error
          result_count INTEGER,
          detail TEXT,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_at ON audit(at);
        CREATE INDEX audit_user ON audit(user_id, at);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
          BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
          BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

        CREATE TABLE sources (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL DEFAULT 'unknown', -- fixed | mobile | dashcam | cctv | import
          description TEXT,
          created_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE imports (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,              -- reads-csv | footage
          format TEXT NOT NULL,
          file_name TEXT NOT NULL,
          file_sha256 TEXT NOT NULL,
          user_id INTEGER REFERENCES users(id),
          started_at INTEGER NOT NULL,
          finished_at INTEGER,
          rows_read INTEGER NOT NULL DEFAULT 0,
          rows_imported INTEGER NOT NULL DEFAULT 0,
          rows_rejected INTEGER NOT NULL DEFAULT 0,
          status TEXT NOT NULL             -- running | done | failed
        ) STRICT;
        CREATE UNIQUE INDEX imports_sha ON imports(file_sha256, kind) WHERE status = 'done';

        CREATE TABLE import_mappings (
          name TEXT PRIMARY KEY,
          mapping TEXT NOT NULL,           -- JSON ColumnMapping
          created_by INTEGER REFERENCES users(id),
          created_at INTEGER NOT NULL
        ) STRICT;

        -- The read model. Reads are append-only. Times are UTC epoch milliseconds.
        CREATE TABLE reads (
          id INTEGER PRIMARY KEY,
          plate TEXT NOT NULL,             -- normalized: A-Z 0-9, or the hash as given
          plate_raw TEXT,
          plate_hashed INTEGER NOT NULL DEFAULT 0,
          confidence REAL,
          char_conf TEXT,                  -- JSON number[]
          alternatives TEXT,               -- JSON [{text, confidence}]
          state TEXT,
          ts INTEGER NOT NULL,
          lat REAL,
          lon REAL,
          heading REAL,
          source_id INTEGER REFERENCES sources(id),
          import_id INTEGER REFERENCES imports(id),
          crop_sha TEXT,
          frame_sha TEXT,
          color TEXT,
          model_version TEXT,
          provenance TEXT                  -- JSON: source file hash, row/frame, mapping
        ) STRICT;
        CREATE INDEX reads_ts ON reads(ts);
        CREATE INDEX reads_plate ON reads(plate, ts);
        CREATE INDEX reads_import ON reads(import_id);
        CREATE INDEX reads_source ON reads(source_id, ts);
        CREATE VIRTUAL TABLE reads_geo USING rtree(id, min_lat, max_lat, min_lon, max_lon);
      `);
    },
  },
];

export const latestVersion = migrations[migrations.length - 1]!.version;

/** Brings a database up to the latest version. Refuses one written by a newer Canvass. */
export function migrate(db: Database, list: Migration[] = migrations): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = list[list.length - 1]?.version ?? 0;
  if (from > latest) {
    throw new CanvassError(
      'store_version',
      `This data folder was written by a newer Canvass (store version ${from}; this program knows up to ${latest}). ` +
        'Update Canvass to open it; nothing was changed.',
    );
  }
  for (const m of list) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
