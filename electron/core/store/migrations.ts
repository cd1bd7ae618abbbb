// Numbered, append-only schema migrations. A migration is never edited once it has shipped:
// changes go in a new, higher number. Each runs in its own transaction with user_version.
import type { Database } from 'better-sqlite3';
import { CanvassError } from '../errors';
import {
  gramsOf,
  isIndexable,
  rebuildPlateIndexAsCodes,
  reverse,
  writeGramsAfter,
  writePostingsAfter,
} from '../canvass/plate-index';
import { ERA_MS } from '../reads/era';
import { writePlacesAfter, writeSourceRowsAfter } from '../reads/places';

/**
 * The reads_cell grid (migration 11): rows and columns of 0.002° (500 per degree), key =
 * row * 200000 + column. Mirrored by geo.ts `cellOf` (a test keeps the two equal); changing it
 * needs a new migration that rebuilds the index.
 */
export const CELL_SQL =
  'CASE WHEN lat IS NULL OR lon IS NULL THEN NULL ' +
  'ELSE CAST((lat + 90.0) * 500 AS INTEGER) * 200000 + CAST((lon + 180.0) * 500 AS INTEGER) END';

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
  {
    // Issue 4 (R11): the plate index behind partial-plate canvasses (electron/core/canvass/
    // plate-index.ts), partial-plate watches with their alerts, and minimal cases.
    version: 2,
    name: 'canvass: plate index, watches, cases',
    up(db) {
      db.exec(`
        CREATE TABLE canvass_plates (
          id INTEGER PRIMARY KEY,
          text TEXT NOT NULL UNIQUE,       -- reads.plate exactly
          rtext TEXT NOT NULL,             -- text reversed: a suffix like *123 is a range on it
          reads INTEGER NOT NULL,
          first_ts INTEGER NOT NULL,
          last_ts INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX canvass_plates_rtext ON canvass_plates(rtext);
        -- key = (position*36 + char)*36 + next char; see plate-index.ts
        CREATE TABLE canvass_grams (
          key INTEGER NOT NULL,
          plate_id INTEGER NOT NULL,
          PRIMARY KEY (key, plate_id)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO canvass_plates (text, rtext, reads, first_ts, last_ts)
          SELECT plate, '', count(*), min(ts), max(ts) FROM reads GROUP BY plate;

        CREATE TABLE cases (
          id INTEGER PRIMARY KEY,
          number TEXT NOT NULL UNIQUE COLLATE NOCASE,
          title TEXT NOT NULL,
          created_by INTEGER REFERENCES users(id),
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE case_reads (
          case_id INTEGER NOT NULL REFERENCES cases(id),
          read_id INTEGER NOT NULL REFERENCES reads(id),
          note TEXT,
          added_by INTEGER REFERENCES users(id),
          added_at INTEGER NOT NULL,
          PRIMARY KEY (case_id, read_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX case_reads_read ON case_reads(read_id);

        -- R11: a partial plate from a major crime, watched on future reads.
        CREATE TABLE watches (
          id INTEGER PRIMARY KEY,
          pattern TEXT NOT NULL,           -- canonical pattern
          tolerant INTEGER NOT NULL DEFAULT 0,
          description TEXT NOT NULL,
          case_number TEXT NOT NULL,
          purpose TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1,
          created_by INTEGER REFERENCES users(id),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE watch_alerts (
          id INTEGER PRIMARY KEY,
          watch_id INTEGER NOT NULL REFERENCES watches(id),
          read_id INTEGER NOT NULL REFERENCES reads(id),
          score REAL NOT NULL,
          reasons TEXT NOT NULL,           -- JSON string[]
          created_at INTEGER NOT NULL,
          UNIQUE (watch_id, read_id)
        ) STRICT;
        CREATE INDEX watch_alerts_created ON watch_alerts(created_at);
      `);
      // Grams for plates already in the store (the summary rows were filled above).
      // The gram layout is fixed by this migration; changing gramsOf needs a migration that rebuilds.
      const rows = db.prepare('SELECT id, text FROM canvass_plates').all() as { id: number; text: string }[];
      const ins = db.prepare('INSERT OR IGNORE INTO canvass_grams (key, plate_id) VALUES (?, ?)');
      const rev = db.prepare('UPDATE canvass_plates SET rtext = ? WHERE id = ?');
      for (const r of rows) {
        rev.run(reverse(r.text), r.id);
        for (const k of gramsOf(r.text)) ins.run(k, r.id);
      }
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md): per-read counters in canvass_plates dirtied a
    // random page per plate on every import and halved ingest speed; counts now come from the
    // reads_plate index at search time, and the text list is written only for new texts.
    // Suffixes move from a reversed-text index to end-anchored pair grams.
    version: 3,
    name: 'canvass: insert-only plate text index',
    up(db) {
      db.exec(`
        DROP TABLE canvass_grams;
        DROP TABLE canvass_plates;
        CREATE TABLE canvass_texts (
          id INTEGER PRIMARY KEY,
          text TEXT NOT NULL               -- a distinct reads.plate (A-Z 0-9, 2-10 characters)
        ) STRICT;
        -- key = ((anchor*9 + position)*36 + char)*36 + next char; anchor 0 = from the start, 1 = from the end
        CREATE TABLE canvass_grams (
          key INTEGER NOT NULL,
          text_id INTEGER NOT NULL,
          PRIMARY KEY (key, text_id)
        ) STRICT, WITHOUT ROWID;
      `);
      // The gram layout is fixed by this migration; changing gramsOf needs a migration that rebuilds.
      const texts = db.prepare('SELECT DISTINCT plate FROM reads').raw().all() as [string][];
      const ins = db.prepare('INSERT INTO canvass_texts (text) VALUES (?)');
      const gram = db.prepare('INSERT OR IGNORE INTO canvass_grams (key, text_id) VALUES (?, ?)');
      for (const [text] of texts) {
        if (!isIndexable(text)) continue;
        const id = Number(ins.run(text).lastInsertRowid);
        for (const k of gramsOf(text)) gram.run(k, id);
      }
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md): intersecting end-anchored pair lists made a
    // suffix search (`*1465`) scan ~90k postings (40-100 ms at 10M reads) and cost six more
    // gram rows per new text; a reversed-text range answers it from ~300 rows.
    version: 4,
    name: 'canvass: reversed texts for suffixes instead of end-anchored pairs',
    up(db) {
      db.exec(`
        DELETE FROM canvass_grams WHERE key >= ${9 * 36 * 36};
        ALTER TABLE canvass_texts ADD COLUMN rtext TEXT NOT NULL DEFAULT '';
      `);
      const rows = db.prepare('SELECT id, text FROM canvass_texts').raw().all() as [number, string][];
      const set = db.prepare('UPDATE canvass_texts SET rtext = ? WHERE id = ?');
      for (const [id, text] of rows) set.run(reverse(text), id);
      db.exec('CREATE INDEX canvass_texts_rtext ON canvass_texts(rtext);');
    },
  },
  {
    // Issue 5: footage import. A persistent job queue (jobs, one row per file in job_files
    // with its resumable checkpoint), the idempotency key of footage reads (source file hash +
    // tracker pass key, so a resumed job never writes a pass twice) and per-source settings
    // (fixed position, clock correction, time zone of naive EXIF times).
    version: 10,
    name: 'footage: jobs, job files, footage passes, source settings',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,              -- footage
          status TEXT NOT NULL,            -- queued | running | stopping | cancelling | interrupted | done | failed | cancelled
          params TEXT NOT NULL,            -- JSON: what to import and how
          user_id INTEGER REFERENCES users(id),
          runner TEXT,                     -- host:pid of the process running it
          created_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          heartbeat_at INTEGER,
          progress TEXT NOT NULL DEFAULT '{}', -- JSON: percent, frames, reads, eta
          error TEXT
        ) STRICT;
        CREATE INDEX jobs_status ON jobs(status, id);

        CREATE TABLE job_files (
          id INTEGER PRIMARY KEY,
          job_id INTEGER NOT NULL REFERENCES jobs(id),
          ord INTEGER NOT NULL,
          path TEXT NOT NULL,
          media_kind TEXT,                 -- video | photo | NULL (unsupported)
          size INTEGER,
          sha256 TEXT,
          status TEXT NOT NULL,            -- queued | running | done | duplicate | failed | cancelled | superseded
          import_id INTEGER REFERENCES imports(id),
          duration_ms INTEGER,
          frames_done INTEGER NOT NULL DEFAULT 0,
          reads_found INTEGER NOT NULL DEFAULT 0,
          checkpoint TEXT,                 -- JSON: last processed frame time + open tracker passes
          meta TEXT,                       -- JSON: probe result, time base
          error TEXT,
          UNIQUE (job_id, ord)
        ) STRICT;
        CREATE INDEX job_files_sha ON job_files(sha256, status);

        -- No foreign key to reads on purpose: the retention purge deletes reads, and a purged
        -- pass must still count as imported so a re-import does not bring it back.
        CREATE TABLE footage_passes (
          file_sha256 TEXT NOT NULL,
          track_key TEXT NOT NULL,
          read_id INTEGER NOT NULL,
          PRIMARY KEY (file_sha256, track_key)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE source_settings (
          source_id INTEGER PRIMARY KEY REFERENCES sources(id),
          lat REAL,
          lon REAL,
          clock_offset_ms INTEGER NOT NULL DEFAULT 0,
          time_zone TEXT,
          updated_by INTEGER REFERENCES users(id),
          updated_at INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md "Ingest"): the reads_geo R*Tree cost ~44 µs of
    // the ~78 µs each read took to insert at 10M reads. Places are now a grid cell computed
    // from lat/lon (a VIRTUAL generated column: nothing stored in the row) indexed with the
    // time, so an area is a few hundred (cell, time-range) seeks and a new read is an append
    // at the end of its cell's run. The grid (0.002°, geo.ts cellOf) is fixed by this migration.
    version: 11,
    name: 'reads: grid cell + time index instead of the R*Tree',
    up(db) {
      db.exec(`
        ALTER TABLE reads ADD COLUMN cell INTEGER GENERATED ALWAYS AS (${CELL_SQL}) VIRTUAL;
        CREATE INDEX reads_cell ON reads(cell, ts);
        DROP TABLE reads_geo;
      `);
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md "Ingest"): a plate-keyed index spanning all time
    // takes each new read on a random page (reads_plate) and each new text on random pages of
    // the text and reversed-text indexes; at 10M reads that was most of the insert cost. Every
    // plate-keyed index now leads with the era (reads/era.ts, 2^32 ms of read time, a VIRTUAL
    // generated column), so new reads write only the newest era's part; lookups seek per era.
    // canvass_texts holds a text once per era it was read in.
    version: 12,
    name: 'plate indexes cut by era',
    up(db) {
      db.exec(`
        ALTER TABLE reads ADD COLUMN era INTEGER GENERATED ALWAYS AS (ts / ${ERA_MS}) VIRTUAL;
        DROP INDEX reads_plate;
        CREATE INDEX reads_plate ON reads(era, plate, ts);
        -- IF EXISTS: a development store that reached version 10 before migrations 3 and 4 were
        -- written never got these tables; this rebuild gives it the index too.
        DROP TABLE IF EXISTS canvass_grams;
        DROP TABLE IF EXISTS canvass_texts;
        DROP TABLE IF EXISTS canvass_plates;
        CREATE TABLE canvass_texts (
          id INTEGER PRIMARY KEY,
          era INTEGER NOT NULL,
          text TEXT NOT NULL,              -- a distinct reads.plate of the era (A-Z 0-9, 2-10 characters)
          rtext TEXT NOT NULL              -- text reversed: a suffix like *123 is a range on it
        ) STRICT;
        -- key = (position*36 + char)*36 + next char; see plate-index.ts
        CREATE TABLE canvass_grams (
          era INTEGER NOT NULL,
          key INTEGER NOT NULL,
          text_id INTEGER NOT NULL,
          PRIMARY KEY (era, key, text_id)
        ) STRICT, WITHOUT ROWID;
      `);
      const pairs = db
        .prepare(
          `SELECT DISTINCT era, plate FROM reads WHERE length(plate) BETWEEN 2 AND 10 AND plate NOT GLOB '*[^A-Z0-9]*' ORDER BY era, plate`,
        )
        .raw()
        .all() as [number, string][];
      const ins = db.prepare('INSERT INTO canvass_texts (era, text, rtext) VALUES (?, ?, ?)');
      for (const [era, text] of pairs) ins.run(era, text, reverse(text));
      db.exec(`
        CREATE UNIQUE INDEX canvass_texts_text ON canvass_texts(era, text);
        CREATE INDEX canvass_texts_rtext ON canvass_texts(era, rtext);
      `);
      writeGramsAfter(db, 0);
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md "Ingest"): canvass_grams held one B-tree entry
    // per pair key and text (~240,000 for a batch of 100,000 reads, ~2.5 µs of each read's
    // insert). A posting row now holds a key's text ids of one batch (up to POSTING_MAX), so a
    // batch writes one row per key it touches; a list's length is the sum of its rows' n.
    // Built from canvass_texts by writePostings (the grams table is derived data and dropped).
    version: 13,
    name: 'canvass pair postings as rows of text ids',
    up(db) {
      db.exec(`
        CREATE TABLE canvass_postings (
          era INTEGER NOT NULL,
          key INTEGER NOT NULL,            -- (position*36 + char)*36 + next char; see plate-index.ts
          first_id INTEGER NOT NULL,       -- the row's first (lowest) canvass_texts id
          n INTEGER NOT NULL,              -- ids in the row
          ids BLOB NOT NULL,               -- canvass_texts ids, ascending, 4 bytes each (little-endian)
          PRIMARY KEY (era, key, first_id)
        ) STRICT, WITHOUT ROWID;
        DROP TABLE IF EXISTS canvass_grams;
      `);
      writePostingsAfter(db, 0);
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md "Ingest"): each read paid a B-tree entry in
    // reads_cell (cell, ts) at the end of its cell's run (a batch touched a page per busy cell)
    // and one in reads_import. Places are now reads_places rows, one per (time bucket, cell) and
    // write batch, holding the reads' times and ids (reads/places.ts); reads_import served one
    // query (a CSV import's reads, for the watch check), which takes the ids insertReads returns.
    version: 14,
    name: 'reads: places by (bucket, cell) rows instead of reads_cell; no import index',
    up(db) {
      db.exec(`
        CREATE TABLE reads_places (
          bucket INTEGER NOT NULL,         -- floor(ts / 2^29 ms), places.ts BUCKET_MS
          cell INTEGER NOT NULL,           -- the reads.cell grid (migration 11, geo.ts cellOf)
          first_id INTEGER NOT NULL,       -- the row's first read id
          n INTEGER NOT NULL,              -- reads in the row
          data BLOB NOT NULL,              -- n × (uint32 ts − bucket·BUCKET_MS, uint32 read id), little-endian
          PRIMARY KEY (bucket, cell, first_id)
        ) STRICT, WITHOUT ROWID;
      `);
      writePlacesAfter(db, 0);
      db.exec('DROP INDEX reads_cell; DROP INDEX reads_import;');
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md "Ingest"): the text table's rows, its unique
    // (era, text) and (era, rtext) indexes were 3 B-tree entries per new text and most of the
    // plate-index hook's ~4.5 µs a read. A text is now an order-preserving integer code
    // (plate-index.ts code()): one WITHOUT ROWID (era, code) entry per new text, a prefix is a
    // code range, and the postings hold codes. Rebuilt from the reads.
    version: 15,
    name: 'canvass plate index as integer codes',
    up(db) {
      rebuildPlateIndexAsCodes(db);
    },
  },
  {
    // Issue 4, by measurement (docs/canvass.md "Ingest"): reads_source (source_id, ts) was the
    // last per-read index entry that no query needs per read: the Reads page's source filter
    // and the per-source counts now read reads_by_source rows, one per (time bucket, source)
    // and write batch, in the reads_places format (reads/places.ts).
    version: 16,
    name: 'reads: sources by (bucket, source) rows instead of reads_source',
    up(db) {
      db.exec(`
        CREATE TABLE reads_by_source (
          bucket INTEGER NOT NULL,         -- floor(ts / 2^29 ms), places.ts BUCKET_MS
          source_id INTEGER NOT NULL,      -- sources.id
          first_id INTEGER NOT NULL,       -- the row's first read id
          n INTEGER NOT NULL,              -- reads in the row
          data BLOB NOT NULL,              -- n × (uint32 ts − bucket·BUCKET_MS, uint32 read id), little-endian
          PRIMARY KEY (bucket, source_id, first_id)
        ) STRICT, WITHOUT ROWID;
      `);
      writeSourceRowsAfter(db, 0);
      db.exec('DROP INDEX reads_source;');
    },
  },
];

export const latestVersion = migrations[migrations.length - 1]!.version;

/** A migration about to run: `step` of `steps` pending, on a store that was at version `from`. */
export interface MigrationStep {
  version: number;
  name: string;
  step: number;
  steps: number;
  from: number;
}

/**
 * Brings a database up to the latest version. Refuses one written by a newer Canvass. `onStep`
 * hears of each migration before it runs (an upgrade of a large store takes a while: ~38 s at
 * 10M reads for migrations 14-16).
 */
export function migrate(
  db: Database,
  list: Migration[] = migrations,
  onStep?: (s: MigrationStep) => void,
): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = list[list.length - 1]?.version ?? 0;
  if (from > latest) {
    throw new CanvassError(
      'store_version',
      `This data folder was written by a newer Canvass (store version ${from}; this program knows up to ${latest}). ` +
        'Update Canvass to open it; nothing was changed.',
    );
  }
  const pending = list.filter((m) => m.version > from);
  for (const [i, m] of pending.entries()) {
    onStep?.({ version: m.version, name: m.name, step: i + 1, steps: pending.length, from });
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: Math.max(from, latest) };
}
