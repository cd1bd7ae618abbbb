// Footage sources: a camera (dash cam, fixed camera, phone) as a row in `sources` plus its
// settings: fixed position, clock correction ("runs 4 min 12 s fast") and the time zone its
// naive EXIF times are in. An import's explicit settings win over the stored ones.
import type { Database } from 'better-sqlite3';
import type { FootageSourceDto, SourceSettingsDto } from '../../api/types-footage';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { sourceId } from '../reads/store';

interface Row {
  id: number;
  name: string;
  kind: string;
  lat: number | null;
  lon: number | null;
  clock_offset_ms: number | null;
  time_zone: string | null;
}

const SELECT = `SELECT s.id, s.name, s.kind, ss.lat, ss.lon, ss.clock_offset_ms, ss.time_zone
  FROM sources s LEFT JOIN source_settings ss ON ss.source_id = s.id`;

function dto(r: Row): SourceSettingsDto {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    at: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    clockOffsetSeconds: (r.clock_offset_ms ?? 0) / 1000,
    timeZone: r.time_zone,
  };
}

export function findSource(db: Database, by: { id?: number | undefined; name?: string | undefined }): SourceSettingsDto | null {
  const r = (by.id !== undefined ? db.prepare(`${SELECT} WHERE s.id = ?`).get(by.id) : db.prepare(`${SELECT} WHERE s.name = ?`).get(by.name ?? '')) as
    | Row
    | undefined;
  return r ? dto(r) : null;
}

export interface SourceUpdate {
  id?: number | undefined;
  name?: string | undefined;
  rename?: string | undefined;
  kind?: string | undefined;
  at?: { lat: number; lon: number } | null | undefined;
  clockOffsetSeconds?: number | undefined;
  timeZone?: string | null | undefined;
}

/** Creates (by name) or changes a source and its settings. */
export function updateSource(db: Database, clock: Clock, u: SourceUpdate, userId: number | null): SourceSettingsDto {
  return db.transaction(() => {
    let current = findSource(db, u);
    if (!current) {
      if (u.id !== undefined || !u.name) throw new CanvassError('not_found', `There is no source #${u.id}.`);
      current = dto({ id: sourceId(db, clock, u.name, u.kind ?? 'other'), name: u.name, kind: u.kind ?? 'other', lat: null, lon: null, clock_offset_ms: 0, time_zone: null });
    }
    if (u.rename && u.rename !== current.name) {
      if (findSource(db, { name: u.rename })) throw new CanvassError('conflict', `A source named "${u.rename}" already exists.`);
      db.prepare('UPDATE sources SET name = ? WHERE id = ?').run(u.rename, current.id);
    }
    if (u.kind) db.prepare('UPDATE sources SET kind = ? WHERE id = ?').run(u.kind, current.id);
    const at = u.at === undefined ? current.at : u.at;
    const offsetMs = Math.round((u.clockOffsetSeconds ?? current.clockOffsetSeconds) * 1000);
    const tz = u.timeZone === undefined ? current.timeZone : u.timeZone;
    db.prepare(
      `INSERT INTO source_settings (source_id, lat, lon, clock_offset_ms, time_zone, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, clock_offset_ms = excluded.clock_offset_ms,
         time_zone = excluded.time_zone, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    ).run(current.id, at?.lat ?? null, at?.lon ?? null, offsetMs, tz, userId, clock.now());
    return findSource(db, { id: current.id })!;
  })();
}

export const DEFAULT_SOURCE_NAME = 'Imported footage';

/** The settings an import runs with: what the import says, else what the source has stored. */
export function resolveSource(
  db: Database,
  given: { name?: string | undefined; kind?: string | undefined; at?: { lat: number; lon: number } | undefined; clockOffsetSeconds?: number | undefined; timeZone?: string | undefined },
  hasTrack: boolean,
): FootageSourceDto {
  const name = given.name ?? DEFAULT_SOURCE_NAME;
  const stored = findSource(db, { name });
  const at = given.at ?? (hasTrack ? null : (stored?.at ?? null));
  return {
    name,
    kind: given.kind ?? (stored && stored.kind !== 'import' ? stored.kind : at ? 'fixed' : 'dashcam'),
    at,
    clockOffsetSeconds: given.clockOffsetSeconds ?? stored?.clockOffsetSeconds ?? 0,
    timeZone: given.timeZone ?? stored?.timeZone ?? 'UTC',
  };
}
