// Partial-plate watches (R11): a pattern (exact or misread-tolerant) with a description and the
// case it belongs to; reads that arrive later and match are listed as alerts. checkWatches is
// what the import code calls after its transaction commits, with the new read ids.
import type { Database } from 'better-sqlite3';
import type { WatchAlertDto, WatchDto } from '../../api/types-canvass';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { compileMatcher } from './match';
import { parsePattern } from './pattern';
import { sourceNames, toReadDto, type ReadRow } from './reads';

type WatchRow = {
  id: number;
  pattern: string;
  tolerant: number;
  description: string;
  case_number: string;
  active: number;
  created_by: number | null;
  created_at: number;
  alerts: number;
};

const toWatch = (w: WatchRow): WatchDto => ({
  id: w.id,
  pattern: w.pattern,
  tolerant: w.tolerant === 1,
  description: w.description,
  caseNumber: w.case_number,
  active: w.active === 1,
  createdBy: w.created_by,
  createdAt: w.created_at,
  alerts: w.alerts,
});

const SELECT_WATCH = `SELECT w.*, (SELECT count(*) FROM watch_alerts a WHERE a.watch_id = w.id) AS alerts FROM watches w`;

export function createWatch(
  db: Database,
  clock: Clock,
  w: {
    pattern: string;
    tolerant: boolean;
    description: string;
    caseNumber: string;
    purpose: string;
    userId: number | null;
  },
): WatchDto {
  const p = parsePattern(w.pattern); // refuses a bad pattern with its position before anything is saved
  const now = clock.now();
  const id = Number(
    db
      .prepare(
        `INSERT INTO watches (pattern, tolerant, description, case_number, purpose, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(p.canonical, w.tolerant ? 1 : 0, w.description, w.caseNumber, w.purpose, w.userId, now, now)
      .lastInsertRowid,
  );
  return getWatch(db, id);
}

export function getWatch(db: Database, id: number): WatchDto {
  const row = db.prepare(`${SELECT_WATCH} WHERE w.id = ?`).get(id) as WatchRow | undefined;
  if (!row) throw new CanvassError('not_found', `No watch with id ${id}.`);
  return toWatch(row);
}

export function listWatches(db: Database, opts: { activeOnly?: boolean } = {}): WatchDto[] {
  const rows = db
    .prepare(`${SELECT_WATCH} WHERE (? = 0 OR w.active = 1) ORDER BY w.id DESC`)
    .all(opts.activeOnly ? 1 : 0) as WatchRow[];
  return rows.map(toWatch);
}

export function setWatchActive(db: Database, clock: Clock, id: number, active: boolean): WatchDto {
  getWatch(db, id);
  db.prepare('UPDATE watches SET active = ?, updated_at = ? WHERE id = ?').run(
    active ? 1 : 0,
    clock.now(),
    id,
  );
  return getWatch(db, id);
}

const READ_COLS =
  'r.id, r.plate, r.ts, r.lat, r.lon, r.source_id, r.state, r.color, r.confidence, r.char_conf, r.alternatives';

/**
 * Checks new reads against every active watch and records an alert per match (once per watch
 * and read). Call after the import transaction commits. Returns the number of new alerts.
 */
export function checkWatches(
  db: Database,
  readIds: readonly number[],
  clock: Clock = { now: () => Date.now() },
): number {
  if (readIds.length === 0) return 0;
  const watches = db.prepare('SELECT id, pattern, tolerant FROM watches WHERE active = 1').all() as {
    id: number;
    pattern: string;
    tolerant: number;
  }[];
  if (watches.length === 0) return 0;
  const matchers = watches.map((w) => ({ id: w.id, m: compileMatcher(w.pattern, w.tolerant === 1) }));
  const fetch = db.prepare(`SELECT ${READ_COLS} FROM reads r WHERE r.id IN (SELECT value FROM json_each(?))`);
  const ins = db.prepare(
    'INSERT OR IGNORE INTO watch_alerts (watch_id, read_id, score, reasons, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  let made = 0;
  const now = clock.now();
  db.transaction(() => {
    for (let i = 0; i < readIds.length; i += 5000) {
      for (const r of fetch.all(JSON.stringify(readIds.slice(i, i + 5000))) as ReadRow[]) {
        for (const { id, m } of matchers) {
          if (!m.tolerant && !m.pattern.regex.test(r.plate)) continue; // the common case, kept cheap
          const hit = m.read(r);
          if (!hit) continue;
          const reasons = hit.via === 'exact' ? [`${r.plate} matches ${m.pattern.canonical}`] : hit.reasons;
          made += ins.run(id, r.id, Math.round(hit.quality * 100), JSON.stringify(reasons), now).changes;
        }
      }
    }
  })();
  return made;
}

export function listAlerts(
  db: Database,
  opts: { watchId?: number; limit?: number; offset?: number },
): { total: number; results: WatchAlertDto[] } {
  const where = opts.watchId ? 'WHERE a.watch_id = ?' : 'WHERE ? IS NULL';
  const arg = opts.watchId ?? null;
  const total = (db.prepare(`SELECT count(*) AS n FROM watch_alerts a ${where}`).get(arg) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT a.id AS alert_id, a.watch_id, a.score, a.reasons, a.created_at, w.pattern, w.description, ${READ_COLS}
       FROM watch_alerts a JOIN watches w ON w.id = a.watch_id JOIN reads r ON r.id = a.read_id
       ${where} ORDER BY a.id DESC LIMIT ? OFFSET ?`,
    )
    .all(arg, opts.limit ?? 100, opts.offset ?? 0) as (ReadRow & {
    alert_id: number;
    watch_id: number;
    score: number;
    reasons: string;
    created_at: number;
    pattern: string;
    description: string;
  })[];
  const names = sourceNames(db);
  return {
    total,
    results: rows.map((x) => ({
      id: x.alert_id,
      watchId: x.watch_id,
      pattern: x.pattern,
      description: x.description,
      score: x.score,
      reasons: JSON.parse(x.reasons) as string[],
      createdAt: x.created_at,
      read: toReadDto(x, names, 'exact', x.score / 100, []),
    })),
  };
}
