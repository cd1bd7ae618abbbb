// Minimal cases: a number, a title and the reads added to it (with who and when). Evidence
// packages, holds and sharing build on these tables later.
import type { Database } from 'better-sqlite3';
import type { CaseDetailDto, CaseDto } from '../../api/types-canvass';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { sourceNames, toReadDto, type ReadRow } from './reads';

type CaseRow = {
  id: number;
  number: string;
  title: string;
  created_by: number | null;
  created_at: number;
  reads: number;
};

const toCase = (c: CaseRow): CaseDto => ({
  id: c.id,
  number: c.number,
  title: c.title,
  createdBy: c.created_by,
  createdAt: c.created_at,
  reads: c.reads,
});

const SELECT_CASE = `SELECT c.*, (SELECT count(*) FROM case_reads x WHERE x.case_id = c.id) AS reads FROM cases c`;

export function createCase(
  db: Database,
  clock: Clock,
  c: { number: string; title: string; userId: number | null },
): CaseDto {
  const found = db.prepare('SELECT id FROM cases WHERE number = ?').get(c.number) as
    { id: number } | undefined;
  if (found) throw new CanvassError('conflict', `Case ${c.number} already exists.`, { field: 'number' });
  const id = Number(
    db
      .prepare('INSERT INTO cases (number, title, created_by, created_at) VALUES (?, ?, ?, ?)')
      .run(c.number, c.title, c.userId, clock.now()).lastInsertRowid,
  );
  return getCase(db, id).case;
}

export function findCase(db: Database, number: string): CaseDto | null {
  const row = db.prepare(`${SELECT_CASE} WHERE c.number = ?`).get(number) as CaseRow | undefined;
  return row ? toCase(row) : null;
}

export function listCases(db: Database): CaseDto[] {
  return (db.prepare(`${SELECT_CASE} ORDER BY c.id DESC`).all() as CaseRow[]).map(toCase);
}

/** Adds reads to a case; reads already in it are left as they were. Returns how many were added. */
export function addReadsToCase(
  db: Database,
  clock: Clock,
  caseId: number,
  readIds: number[],
  note: string | null,
  userId: number | null,
): number {
  getCase(db, caseId);
  const exists = db.prepare('SELECT 1 FROM reads WHERE id = ?');
  const ins = db.prepare(
    'INSERT OR IGNORE INTO case_reads (case_id, read_id, note, added_by, added_at) VALUES (?, ?, ?, ?, ?)',
  );
  return db.transaction(() => {
    let n = 0;
    for (const id of readIds) {
      if (!exists.get(id))
        throw new CanvassError('not_found', `No read with id ${id}; nothing was added.`, {
          field: 'readIds',
        });
      n += ins.run(caseId, id, note, userId, clock.now()).changes;
    }
    return n;
  })();
}

export function getCase(db: Database, id: number): { case: CaseDto; detail: () => CaseDetailDto } {
  const row = db.prepare(`${SELECT_CASE} WHERE c.id = ?`).get(id) as CaseRow | undefined;
  if (!row) throw new CanvassError('not_found', `No case with id ${id}.`);
  const c = toCase(row);
  return {
    case: c,
    detail: () => {
      const names = sourceNames(db);
      const rows = db
        .prepare(
          `SELECT r.id, r.plate, r.ts, r.lat, r.lon, r.source_id, r.state, r.color, r.confidence, r.char_conf, r.alternatives,
                  x.note, x.added_at, x.added_by
           FROM case_reads x JOIN reads r ON r.id = x.read_id WHERE x.case_id = ? ORDER BY r.ts`,
        )
        .all(id) as (ReadRow & { note: string | null; added_at: number; added_by: number | null })[];
      return {
        ...c,
        results: rows.map((r) => ({
          ...toReadDto(r, names, 'exact', 1, []),
          note: r.note,
          addedAt: r.added_at,
          addedBy: r.added_by,
        })),
      };
    },
  };
}
