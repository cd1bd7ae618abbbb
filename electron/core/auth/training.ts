// Training records (R2): ALPR data is shown only to members whose training is current.
// Dates are calendar dates (ISO yyyy-mm-dd); the default term is one year (annual training).
import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import type { TrainingDto } from '../../api/types';

export type TrainingRecord = TrainingDto;

type Row = {
  id: number;
  user_id: number;
  course: string;
  completed_on: string;
  expires_on: string;
  recorded_by: number | null;
  recorded_at: number;
};

const toRecord = (r: Row): TrainingRecord => ({
  id: r.id,
  userId: r.user_id,
  course: r.course,
  completedOn: r.completed_on,
  expiresOn: r.expires_on,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
});

function isoDate(s: string, field: string): string {
  const d = DateTime.fromISO(s, { zone: 'utc' });
  if (!d.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    throw new CanvassError('invalid_input', `${field} must be a date like 2026-01-31 (got "${s}").`, { field });
  }
  return s;
}

export function addTraining(
  db: Database,
  clock: Clock,
  input: { userId: number; course: string; completedOn: string; expiresOn?: string; recordedBy: number | null },
): TrainingRecord {
  const completed = isoDate(input.completedOn, 'completedOn');
  const expires = input.expiresOn
    ? isoDate(input.expiresOn, 'expiresOn')
    : DateTime.fromISO(completed, { zone: 'utc' }).plus({ years: 1 }).toISODate()!;
  if (expires < completed) throw new CanvassError('invalid_input', 'expiresOn is before completedOn.', { field: 'expiresOn' });
  const info = db
    .prepare(
      'INSERT INTO training (user_id, course, completed_on, expires_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(input.userId, input.course, completed, expires, input.recordedBy, clock.now());
  return toRecord(db.prepare('SELECT * FROM training WHERE id = ?').get(info.lastInsertRowid) as Row);
}

export function listTraining(db: Database, userId?: number): TrainingRecord[] {
  const rows =
    userId === undefined
      ? db.prepare('SELECT * FROM training ORDER BY expires_on DESC').all()
      : db.prepare('SELECT * FROM training WHERE user_id = ? ORDER BY expires_on DESC').all(userId);
  return (rows as Row[]).map(toRecord);
}

/** The latest expiry date of any of the member's training, or null if none. */
export function trainingValidUntil(db: Database, userId: number): string | null {
  const r = db.prepare('SELECT max(expires_on) AS e FROM training WHERE user_id = ?').get(userId) as { e: string | null };
  return r.e;
}

export function hasCurrentTraining(db: Database, clock: Clock, userId: number): boolean {
  const until = trainingValidUntil(db, userId);
  if (!until) return false;
  const today = DateTime.fromMillis(clock.now(), { zone: 'utc' }).toISODate()!;
  return until >= today;
}
