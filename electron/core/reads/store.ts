// Writing reads: one prepared statement, sources resolved once per name, the canvass plate
// index kept in step. Callers wrap this in their transaction.
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock';
import { plateIndexWriter } from '../canvass/plate-index';
import { placesWriter, sourceRowsWriter } from './places';

export interface NewRead {
  plate: string;
  plateRaw?: string | null;
  plateHashed?: boolean;
  confidence?: number | null;
  charConfidences?: number[] | null;
  alternatives?: { text: string; confidence: number }[] | null;
  state?: string | null;
  ts: number;
  lat?: number | null;
  lon?: number | null;
  heading?: number | null;
  source?: string | null;
  sourceKind?: string;
  color?: string | null;
  cropSha?: string | null;
  frameSha?: string | null;
  modelVersion?: string | null;
  provenance?: Record<string, unknown> | null;
}

/** Finds or creates the source named `name`, returning its id. */
export function sourceId(db: Database, clock: Clock, name: string, kind: string): number {
  const found = db.prepare('SELECT id FROM sources WHERE name = ?').get(name) as { id: number } | undefined;
  if (found) return found.id;
  return Number(
    db.prepare('INSERT INTO sources (name, kind, created_at) VALUES (?, ?, ?)').run(name, kind, clock.now()).lastInsertRowid,
  );
}

/**
 * Inserts reads; returns their new ids in the order given. The two indexes a read enters are led
 * by time or era, and places, sources and plate texts go in as one row per (bucket, cell),
 * (bucket, source) or (era, pair) of the batch (docs/canvass.md "Ingest"), so a batch writes near
 * the ends of each B-tree.
 */
export function insertReads(db: Database, clock: Clock, reads: NewRead[], importId: number | null): number[] {
  const ins = db.prepare(
    `INSERT INTO reads (plate, plate_raw, plate_hashed, confidence, char_conf, alternatives, state, ts, lat, lon, heading,
       source_id, import_id, crop_sha, frame_sha, color, model_version, provenance)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const sources = new Map<string, number>();
  const plates = plateIndexWriter(db); // canvass plate index, kept in step in this transaction
  const places = placesWriter(db); // reads_places and reads_by_source, likewise
  const bySource = sourceRowsWriter(db);
  const ids = new Array<number>(reads.length);
  for (let i = 0; i < reads.length; i++) {
    const r = reads[i]!;
    let sid: number | null = null;
    if (r.source) {
      sid = sources.get(r.source) ?? null;
      if (sid === null) {
        sid = sourceId(db, clock, r.source, r.sourceKind ?? 'import');
        sources.set(r.source, sid);
      }
    }
    const id = Number(
      ins.run(
        r.plate,
        r.plateRaw ?? null,
        r.plateHashed ? 1 : 0,
        r.confidence ?? null,
        r.charConfidences ? JSON.stringify(r.charConfidences) : null,
        r.alternatives ? JSON.stringify(r.alternatives) : null,
        r.state ?? null,
        r.ts,
        r.lat ?? null,
        r.lon ?? null,
        r.heading ?? null,
        sid,
        importId,
        r.cropSha ?? null,
        r.frameSha ?? null,
        r.color ?? null,
        r.modelVersion ?? null,
        r.provenance ? JSON.stringify(r.provenance) : null,
      ).lastInsertRowid,
    );
    plates.add(r.plate, r.ts);
    places.add(id, r.ts, r.lat, r.lon);
    bySource.add(id, r.ts, sid);
    ids[i] = id;
  }
  plates.flush();
  places.flush();
  bySource.flush();
  return ids;
}
