// Fetching reads for canvasses: by plate and time (the era-cut reads_plate index), by time window
// (reads_ts) or by area and time (reads_places rows per time bucket and grid cell), always the same narrow column set, and
// turning them into result rows. Bound parameters only.
import type { Database } from 'better-sqlite3';
import type { AreaDto, CanvassReadDto, MatchVia } from '../../api/types-canvass';
import { bboxOf, cellsCovering, contains } from './geo';
import { erasIn } from '../reads/era';
import { readIdsInCells } from '../reads/places';

export interface ReadRow {
  id: number;
  plate: string;
  ts: number;
  lat: number | null;
  lon: number | null;
  source_id: number | null;
  state: string | null;
  color: string | null;
  confidence: number | null;
  char_conf: string | null;
  alternatives: string | null;
}

const COLS =
  'r.id, r.plate, r.ts, r.lat, r.lon, r.source_id, r.state, r.color, r.confidence, r.char_conf, r.alternatives';

export const NO_START = -8.64e15;
export const NO_END = 8.64e15;

/** A time window in epoch ms, [from, to). */
export interface Window {
  from: number;
  to: number;
}

/** Reads of one plate in a window, newest first: one reads_plate seek per era of the window. */
export function readsOfPlate(db: Database) {
  const stmt = db.prepare(
    `SELECT ${COLS} FROM reads r
     WHERE r.era IN (SELECT value FROM json_each(?)) AND r.plate = ? AND r.ts >= ? AND r.ts < ? ORDER BY r.ts DESC`,
  );
  return (plate: string, w: Window) =>
    stmt.all(JSON.stringify(erasIn(db, w.from, w.to)), plate, w.from, w.to) as ReadRow[];
}

/** Reads of many plates in one window: one statement, SQLite seeks reads_plate per era and plate. */
export function readsOfPlates(db: Database, plates: string[], w: Window): ReadRow[] {
  if (plates.length === 0) return [];
  return db
    .prepare(
      `SELECT ${COLS} FROM reads r
       WHERE r.era IN (SELECT value FROM json_each(?)) AND r.plate IN (SELECT value FROM json_each(?))
         AND r.ts >= ? AND r.ts < ?`,
    )
    .all(JSON.stringify(erasIn(db, w.from, w.to)), JSON.stringify(plates), w.from, w.to) as ReadRow[];
}

/**
 * Reads in a window and (optionally) an area: one reads_places seek per (time bucket, grid cell)
 * of the area's box, or for an area too big for that (a city) the time index with a box filter.
 */
export function readsInScene(db: Database, w: Window, area: AreaDto | undefined): ReadRow[] {
  if (!area) {
    return db
      .prepare(`SELECT ${COLS} FROM reads r WHERE r.ts >= ? AND r.ts < ?`)
      .all(w.from, w.to) as ReadRow[];
  }
  const b = bboxOf(area);
  const cells = cellsCovering(b, MAX_SCENE_CELLS);
  const rows = cells
    ? (db
        .prepare(`SELECT ${COLS} FROM reads r WHERE r.id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(readIdsInCells(db, cells, w.from, w.to))) as ReadRow[])
    : (db
        .prepare(
          `SELECT ${COLS} FROM reads r WHERE r.ts >= ? AND r.ts < ? AND r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?`,
        )
        .all(w.from, w.to, b.south, b.north, b.west, b.east) as ReadRow[]);
  return rows.filter((r) => r.lat !== null && r.lon !== null && contains(area, r.lat, r.lon));
}

/**
 * Up to this many grid cells an area is read cell by cell (≈ 9 km × 13 km at Seattle's
 * latitude: any canvass scene); past it, by time. Each cell is one seek per time bucket (docs/canvass.md).
 */
export const MAX_SCENE_CELLS = 4096;

export function sourceNames(db: Database): Map<number, string> {
  return new Map(
    (db.prepare('SELECT id, name FROM sources').all() as { id: number; name: string }[]).map((s) => [
      s.id,
      s.name,
    ]),
  );
}

export function parseConf(r: ReadRow): number[] | null {
  if (!r.char_conf) return null;
  try {
    const v = JSON.parse(r.char_conf) as unknown;
    return Array.isArray(v) ? (v as number[]) : null;
  } catch {
    return null;
  }
}

export function parseAlternatives(r: ReadRow): { text: string; confidence: number }[] {
  if (!r.alternatives) return [];
  try {
    const v = JSON.parse(r.alternatives) as unknown;
    return Array.isArray(v)
      ? (v as { text: string; confidence: number }[]).filter((a) => typeof a?.text === 'string')
      : [];
  } catch {
    return [];
  }
}

export function toReadDto(
  r: ReadRow,
  names: Map<number, string>,
  via: MatchVia,
  quality: number,
  scenes: number[],
): CanvassReadDto {
  return {
    id: r.id,
    plate: r.plate,
    timestamp: new Date(r.ts).toISOString(),
    lat: r.lat,
    lon: r.lon,
    source: r.source_id === null ? null : (names.get(r.source_id) ?? null),
    state: r.state,
    color: r.color,
    confidence: r.confidence,
    via,
    quality: Math.round(quality * 1000) / 1000,
    scenes,
  };
}

export const iso = (ms: number) => new Date(ms).toISOString();
