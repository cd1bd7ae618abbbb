// Import of read exports from other ALPR systems (CSV with a column mapping). The whole file
// is parsed and checked first; good rows then go in as one transaction, so a crash or error
// leaves nothing half-imported. Bad rows are reported by line. The same file (by SHA-256)
// is never imported twice.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import type { ColumnMapping } from '../../api/contract';
import type { ImportRejection, ImportResultDto as ImportResult } from '../../api/types';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { MAX_PLATE_LENGTH, normalizeHashedPlate, normalizePlate, plateTextProblem } from './plate';
import { insertReads, type NewRead } from './store';

export type { ImportRejection, ImportResultDto as ImportResult } from '../../api/types';

export interface ImportOptions {
  fileName: string;
  mapping: ColumnMapping;
  format: string;
  userId: number | null;
  /** Refuse the whole file if any row is bad. */
  strict?: boolean;
  /** Cap on rejections listed in the result (all are counted). */
  maxListed?: number;
  /** Given the new reads' ids inside the import's transaction (watches check them after commit). */
  onInserted?: (ids: number[]) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** How exports write a missing value. */
const MISSING = new Set(['', 'NA', 'N/A', 'NULL', 'NAN']);

export function importReadsCsv(db: Database, clock: Clock, bytes: Buffer, opts: ImportOptions): ImportResult {
  const started = performance.now();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dup = db.prepare("SELECT id FROM imports WHERE file_sha256 = ? AND kind = 'reads-csv' AND status = 'done'").get(sha256) as
    | { id: number }
    | undefined;
  const base = { fileName: opts.fileName, sha256, rejections: [] as ImportRejection[] };
  if (dup) {
    return { ...base, importId: null, rowsRead: 0, rowsImported: 0, rowsRejected: 0, duplicateOf: dup.id, seconds: 0 };
  }
  const text = (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1] ? gunzipSync(bytes) : bytes).toString('utf8');
  const { rows, rejections, rowsRead } = parseRows(text, opts);
  const maxListed = opts.maxListed ?? 1000;
  if (opts.strict && rejections.length > 0) {
    throw new CanvassError(
      'import_failed',
      `${opts.fileName}: ${rejections.length} bad row(s), nothing imported (strict). First: line ${rejections[0]!.line}: ${rejections[0]!.reason}`,
      { rejections: rejections.slice(0, maxListed) },
    );
  }
  if (rows.length === 0) {
    const first = rejections[0];
    throw new CanvassError(
      'import_failed',
      `${opts.fileName}: no valid reads found${first ? ` (line ${first.line}: ${first.reason})` : ''}; nothing imported.`,
      { rejections: rejections.slice(0, maxListed) },
    );
  }
  const now = clock.now();
  const importId = db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO imports (kind, format, file_name, file_sha256, user_id, started_at, finished_at, rows_read, rows_imported, rows_rejected, status)
         VALUES ('reads-csv', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done')`,
      )
      .run(opts.format, opts.fileName, sha256, opts.userId, now, now, rowsRead, rows.length, rejections.length);
    const id = Number(info.lastInsertRowid);
    const ids = insertReads(db, clock, rows, id);
    opts.onInserted?.(ids);
    return id;
  })();
  return {
    ...base,
    importId,
    rowsRead,
    rowsImported: rows.length,
    rowsRejected: rejections.length,
    rejections: rejections.slice(0, maxListed),
    duplicateOf: null,
    seconds: (performance.now() - started) / 1000,
  };
}

interface Parsed {
  rows: NewRead[];
  rejections: ImportRejection[];
  rowsRead: number;
}

function parseRows(text: string, opts: ImportOptions): Parsed {
  const m = opts.mapping;
  // PapaParse: about five times faster than csv-parse on the Seattle week (benchmarked), which
  // is what keeps a 93k-row import under two seconds. Empty lines are kept so that an index
  // into `records` is the file's line number minus one (fields with embedded newlines aside).
  const parsed = Papa.parse<string[]>(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, {
    delimiter: m.delimiter,
    skipEmptyLines: false,
  });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) {
    throw new CanvassError(
      'import_failed',
      `${opts.fileName}: not readable as CSV at line ${(quoteError.row ?? 0) + 1}: ${quoteError.message}; nothing imported.`,
    );
  }
  const records = parsed.data;
  const header = records[0]?.map((h) => h.trim());
  if (!header || (header.length === 1 && header[0] === '')) throw new CanvassError('import_failed', `${opts.fileName} is empty; nothing imported.`);
  const col = (name: string | undefined, required: boolean): number => {
    if (name === undefined) return -1;
    const i = header.indexOf(name);
    if (i < 0 && required) {
      throw new CanvassError(
        'import_failed',
        `${opts.fileName}: the header has no column "${name}" (columns: ${header.slice(0, 12).join(', ')}). Check the column mapping; nothing imported.`,
      );
    }
    return i;
  };
  const c = {
    plate: col(m.plate, true),
    ts: col(m.timestamp, true),
    lat: col(m.lat, true),
    lon: col(m.lon, true),
    source: col(m.source, false),
    state: col(m.state, false),
    confidence: col(m.confidence, false),
    heading: col(m.heading, false),
    color: col(m.color, false),
  };
  const parseTime = timeParser(m);
  const rows: NewRead[] = [];
  const rejections: ImportRejection[] = [];
  for (let i = 1; i < records.length; i++) {
    const r = records[i]!;
    if (r.length === 1 && r[0]!.trim() === '') continue; // blank line
    const line = i + 1; // the header is line 1
    const get = (k: number) => (k >= 0 ? (r[k] ?? '').trim() : '');
    const reject = (reason: string) => rejections.push({ line, reason });
    const rawPlate = get(c.plate);
    let plate: string | null;
    if (m.plateHashed) {
      plate = normalizeHashedPlate(rawPlate);
      if (!plate) {
        reject(`plate hash "${rawPlate.slice(0, 20)}" is not hexadecimal`);
        continue;
      }
    } else {
      const problem = rawPlate === '' ? null : plateTextProblem(rawPlate);
      if (problem) {
        reject(`plate "${rawPlate.slice(0, 20)}" ${problem}`);
        continue;
      }
      plate = normalizePlate(rawPlate);
      if (plate.length === 0 || plate.length > MAX_PLATE_LENGTH) {
        reject(`plate "${rawPlate.slice(0, 20)}" must have 1–${MAX_PLATE_LENGTH} letters or digits`);
        continue;
      }
    }
    const ts = parseTime(get(c.ts));
    if (ts === null) {
      reject(`timestamp "${get(c.ts).slice(0, 40)}" does not match ${m.timestampFormat === 'iso' ? 'ISO 8601' : m.timestampFormat}`);
      continue;
    }
    // Position is optional (real exports carry reads without GPS, written "NA" or left empty),
    // but a value that is there must be a real coordinate.
    const latText = get(c.lat);
    const lonText = get(c.lon);
    const latMissing = MISSING.has(latText.toUpperCase());
    const lonMissing = MISSING.has(lonText.toUpperCase());
    if (latMissing !== lonMissing) {
      reject(`lat "${latText}" and lon "${lonText}": give both or neither`);
      continue;
    }
    let lat: number | null = null;
    let lon: number | null = null;
    if (!latMissing) {
      lat = Number(latText);
      lon = Number(lonText);
      if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
        reject(`lat "${latText}" is not a latitude between -90 and 90`);
        continue;
      }
      if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
        reject(`lon "${lonText}" is not a longitude between -180 and 180`);
        continue;
      }
    }
    let confidence: number | null = null;
    if (get(c.confidence) !== '') {
      confidence = Number(get(c.confidence));
      if (!Number.isFinite(confidence) || confidence < 0 || confidence > 100) {
        reject(`confidence "${get(c.confidence)}" must be 0–1 (or 0–100)`);
        continue;
      }
      if (confidence > 1) confidence /= 100;
    }
    let heading: number | null = null;
    if (get(c.heading) !== '') {
      heading = Number(get(c.heading));
      if (!Number.isFinite(heading) || heading < 0 || heading > 360) {
        reject(`heading "${get(c.heading)}" must be degrees 0–360`);
        continue;
      }
    }
    const state = get(c.state).toUpperCase();
    if (state !== '' && !/^[A-Z]{2}$/.test(state)) {
      reject(`state "${state}" must be a two-letter code`);
      continue;
    }
    rows.push({
      plate,
      plateRaw: rawPlate === plate ? null : rawPlate,
      plateHashed: m.plateHashed,
      confidence,
      state: state || null,
      ts,
      lat,
      lon,
      heading,
      source: get(c.source) || null,
      sourceKind: m.sourceKind ?? 'import',
      color: get(c.color).toLowerCase() || null,
      provenance: { line },
    });
  }
  return { rows, rejections, rowsRead: rows.length + rejections.length };
}

/**
 * Builds the time parser for a mapping. Exports repeat the same hour thousands of times, so
 * the zone offset is resolved by luxon once per local hour and reused for its minutes and
 * seconds; ISO times go through luxon directly.
 */
function timeParser(m: ColumnMapping): (s: string) => number | null {
  if (m.timestampFormat === 'iso') {
    return (s) => {
      if (s === '') return null;
      const d = DateTime.fromISO(s, { zone: m.timeZone, setZone: false });
      return d.isValid ? d.toMillis() : null;
    };
  }
  const hourCache = new Map<string, number | null>();
  const full = (s: string) => {
    const d = DateTime.fromFormat(s, m.timestampFormat, { zone: m.timeZone });
    return d.isValid ? d.toMillis() : null;
  };
  const mm = m.timestampFormat.lastIndexOf('mm');
  const fast = m.timestampFormat.endsWith(':mm:ss') && mm === m.timestampFormat.length - 5;
  if (!fast) return full;
  const hourLen = mm - 1; // the text up to and excluding ":mm:ss"
  const hourFormat = m.timestampFormat.slice(0, hourLen);
  return (s) => {
    if (s.length !== m.timestampFormat.length) return full(s);
    const key = s.slice(0, hourLen);
    let base = hourCache.get(key);
    if (base === undefined) {
      const d = DateTime.fromFormat(key, hourFormat, { zone: m.timeZone });
      base = d.isValid ? d.toMillis() : null;
      hourCache.set(key, base);
    }
    if (base === null) return null;
    const minutes = Number(s.slice(hourLen + 1, hourLen + 3));
    const seconds = Number(s.slice(hourLen + 4, hourLen + 6));
    if (!(minutes >= 0 && minutes < 60 && seconds >= 0 && seconds < 60) || s[hourLen] !== ':' || s[hourLen + 3] !== ':') {
      return full(s);
    }
    return base + (minutes * 60 + seconds) * 1000;
  };
}
