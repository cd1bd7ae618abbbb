// Browsing reads: filter (plate pattern, time, box, sources, state, colour, confidence),
// sort, page. Queries are built from fixed SQL fragments with bound parameters only; the
// sort column comes from a closed list, never from input.
import type { Database } from 'better-sqlite3';
import type { ReadFilter } from '../../api/contract';
import type { ReadDetailDto, ReadRowDto } from '../../api/types';
import { CanvassError } from '../errors';
import { normalizePlate } from './plate';
import { cellsCovering } from '../canvass/geo';
import { erasIn } from './era';
import { MAX_SCENE_CELLS } from '../canvass/reads';
import { readIdsInCellsUpTo, readIdsOfSourcesUpTo, readsPerSource } from './places';

/** Past this many reads in a map box (or of the chosen sources) the id list costs more than the filter it replaces. */
const MAX_AREA_IDS = 200_000;

export type SortField = 'timestamp' | 'plate' | 'confidence' | 'source';

const SORT_SQL: Record<SortField, string> = {
  timestamp: 'r.ts',
  plate: 'r.plate',
  confidence: 'r.confidence',
  source: 's.name',
};

interface Where {
  sql: string;
  params: Record<string, unknown>;
}

/** Turns a simple plate pattern into a GLOB: `*` any run, `?` one character; plain text is exact. */
export function plateGlob(pattern: string): { exact: string } | { glob: string } {
  const p = pattern.trim();
  if (/^[0-9a-fA-F]{16,128}$/.test(p) && p.length > 10) return { exact: p.toLowerCase() }; // a hashed plate
  const cleaned = p.toUpperCase().replace(/[\s-]/g, '');
  const bad = cleaned.search(/[^A-Z0-9*?]/);
  if (bad >= 0) {
    throw new CanvassError('invalid_input', `Plate pattern: "${cleaned[bad]}" at position ${bad + 1} is not a letter, digit, * or ?`, {
      field: 'filter.plate',
      position: bad + 1,
    });
  }
  if (!/[*?]/.test(cleaned)) return { exact: normalizePlate(cleaned) };
  return { glob: cleaned };
}

export function buildWhere(db: Database, f: ReadFilter): Where {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.plate) {
    const g = plateGlob(f.plate);
    // reads_plate leads with the era (reads/era.ts): name the eras so SQLite seeks each.
    clauses.push('r.era IN (SELECT value FROM json_each(@eras))');
    params.eras = JSON.stringify(
      erasIn(db, f.from ? Date.parse(f.from) : -Infinity, f.to ? Date.parse(f.to) : Infinity),
    );
    if ('exact' in g) {
      clauses.push('r.plate = @plate');
      params.plate = g.exact;
    } else {
      // A literal prefix lets SQLite use the plate index for a range scan before the GLOB.
      const prefix = g.glob.match(/^[A-Z0-9]*/)![0];
      if (prefix) {
        clauses.push('r.plate >= @pfrom AND r.plate < @pto');
        params.pfrom = prefix;
        params.pto = prefix + '\u{10FFFF}';
      }
      clauses.push('r.plate GLOB @glob');
      params.glob = g.glob;
    }
  }
  if (f.from) {
    clauses.push('r.ts >= @from');
    params.from = Date.parse(f.from);
  }
  if (f.to) {
    clauses.push('r.ts < @to');
    params.to = Date.parse(f.to);
  }
  if (f.bbox) {
    // A box of up to MAX_SCENE_CELLS grid cells is looked up in reads_places (its reads' ids in
    // the window); a larger one (a whole city on the map), or one holding more reads than an id
    // list is worth, is a plain filter on the other conditions or a scan.
    const cells = cellsCovering(f.bbox, MAX_SCENE_CELLS);
    const ids = cells
      ? readIdsInCellsUpTo(db, cells, f.from ? Date.parse(f.from) : -Infinity, f.to ? Date.parse(f.to) : Infinity, MAX_AREA_IDS)
      : null;
    if (ids && ids.length <= MAX_AREA_IDS) {
      clauses.push('r.id IN (SELECT value FROM json_each(@areaIds))');
      params.areaIds = JSON.stringify(ids);
    }
    clauses.push('r.lat BETWEEN @south AND @north AND r.lon BETWEEN @west AND @east');
    Object.assign(params, f.bbox);
  }
  if (f.sourceIds?.length) {
    // The sources' reads in the window come from reads_by_source; past MAX_AREA_IDS of them the
    // filter is checked on the rows another index (or a scan) finds.
    const ids = readIdsOfSourcesUpTo(
      db,
      f.sourceIds,
      f.from ? Date.parse(f.from) : -Infinity,
      f.to ? Date.parse(f.to) : Infinity,
      MAX_AREA_IDS,
    );
    if (ids && ids.length <= MAX_AREA_IDS) {
      clauses.push('r.id IN (SELECT value FROM json_each(@sourceReadIds))');
      params.sourceReadIds = JSON.stringify(ids);
    }
    clauses.push(`r.source_id IN (SELECT value FROM json_each(@sources))`);
    params.sources = JSON.stringify(f.sourceIds);
  }
  if (f.state) {
    clauses.push('r.state = @state');
    params.state = f.state.toUpperCase();
  }
  if (f.color) {
    clauses.push('r.color = @color');
    params.color = f.color.toLowerCase();
  }
  if (f.minConfidence !== undefined) {
    clauses.push('r.confidence >= @minConf');
    params.minConf = f.minConfidence;
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

type Row = {
  id: number;
  plate: string;
  plate_raw: string | null;
  plate_hashed: number;
  confidence: number | null;
  char_conf: string | null;
  alternatives: string | null;
  state: string | null;
  ts: number;
  lat: number | null;
  lon: number | null;
  heading: number | null;
  source: string | null;
  import_id: number | null;
  crop_sha: string | null;
  frame_sha: string | null;
  color: string | null;
  model_version: string | null;
  provenance: string | null;
};

function toRow(r: Row): ReadRowDto {
  return {
    id: r.id,
    plate: r.plate,
    plateHashed: r.plate_hashed === 1,
    confidence: r.confidence,
    state: r.state,
    timestamp: new Date(r.ts).toISOString(),
    lat: r.lat,
    lon: r.lon,
    heading: r.heading,
    source: r.source,
    color: r.color,
  };
}

const SELECT = `SELECT r.*, s.name AS source FROM reads r LEFT JOIN sources s ON s.id = r.source_id`;

export function searchReads(
  db: Database,
  filter: ReadFilter,
  sort: { field: SortField; dir: 'asc' | 'desc' },
  offset: number,
  limit: number,
): { total: number; rows: ReadRowDto[] } {
  const w = buildWhere(db, filter);
  const total = (db.prepare(`SELECT count(*) AS n FROM reads r ${w.sql}`).get(w.params) as { n: number }).n;
  const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
  const rows = db
    .prepare(`${SELECT} ${w.sql} ORDER BY ${SORT_SQL[sort.field]} ${dir}, r.id ${dir} LIMIT @limit OFFSET @offset`)
    .all({ ...w.params, limit, offset }) as Row[];
  return { total, rows: rows.map(toRow) };
}

export function mapPoints(db: Database, filter: ReadFilter, limit: number) {
  const w = buildWhere(db, filter);
  const pts = db
    .prepare(`SELECT r.id, r.lat, r.lon FROM reads r ${w.sql}${w.sql ? ' AND' : ' WHERE'} r.lat IS NOT NULL LIMIT @limit`)
    .raw()
    .all({ ...w.params, limit: limit + 1 }) as [number, number, number][];
  const truncated = pts.length > limit;
  if (truncated) pts.pop();
  const total = truncated
    ? (db.prepare(`SELECT count(*) AS n FROM reads r ${w.sql}${w.sql ? ' AND' : ' WHERE'} r.lat IS NOT NULL`).get(w.params) as { n: number }).n
    : pts.length;
  return { total, points: pts, truncated };
}

export function getRead(db: Database, id: number): ReadDetailDto {
  const r = db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
  if (!r) throw new CanvassError('not_found', `No read with id ${id}.`);
  return {
    ...toRow(r),
    plateRaw: r.plate_raw,
    charConfidences: r.char_conf ? (JSON.parse(r.char_conf) as number[]) : null,
    alternatives: r.alternatives ? (JSON.parse(r.alternatives) as { text: string; confidence: number }[]) : null,
    importId: r.import_id,
    cropRef: r.crop_sha,
    frameRef: r.frame_sha,
    modelVersion: r.model_version,
    provenance: r.provenance ? (JSON.parse(r.provenance) as Record<string, unknown>) : null,
  };
}

/** Sources by name, each with its number of reads (reads_by_source counts, no read visited). */
export function listSources(db: Database) {
  const counts = readsPerSource(db);
  return (db.prepare('SELECT id, name, kind FROM sources ORDER BY name').all() as { id: number; name: string; kind: string }[]).map(
    (s) => ({ ...s, reads: counts.get(s.id) ?? 0 }),
  );
}
