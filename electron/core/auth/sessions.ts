// Signed-in sessions. The token is random and only its SHA-256 is stored. A session idle
// longer than the agency's idle-lock setting is locked (R3) and needs the password again.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';

export interface SessionRow {
  userId: number;
  createdAt: number;
  lastActive: number;
  locked: boolean;
}

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

export function createSession(db: Database, clock: Clock, userId: number): string {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, last_active) VALUES (?, ?, ?, ?)').run(
    hashToken(token),
    userId,
    now,
    now,
  );
  return token;
}

/**
 * Resolves a token to its session, locking it if it sat idle too long. With touch=false the
 * activity time is left alone (used for the unlock command itself).
 */
export function resolveSession(db: Database, clock: Clock, token: string, idleMs: number): SessionRow {
  const h = hashToken(token);
  const r = db
    .prepare('SELECT user_id, created_at, last_active, locked, ended_at FROM sessions WHERE token_hash = ?')
    .get(h) as { user_id: number; created_at: number; last_active: number; locked: number; ended_at: number | null } | undefined;
  if (!r || r.ended_at !== null) throw new CanvassError('unauthenticated', 'You are not signed in (or your session ended).');
  const now = clock.now();
  let locked = r.locked === 1;
  if (!locked && now - r.last_active > idleMs) {
    db.prepare('UPDATE sessions SET locked = 1 WHERE token_hash = ?').run(h);
    locked = true;
  }
  return { userId: r.user_id, createdAt: r.created_at, lastActive: r.last_active, locked };
}

export function touchSession(db: Database, clock: Clock, token: string): void {
  db.prepare('UPDATE sessions SET last_active = ? WHERE token_hash = ?').run(clock.now(), hashToken(token));
}

export function setSessionLocked(db: Database, clock: Clock, token: string, locked: boolean): void {
  db.prepare('UPDATE sessions SET locked = ?, last_active = ? WHERE token_hash = ?').run(locked ? 1 : 0, clock.now(), hashToken(token));
}

export function endSession(db: Database, clock: Clock, token: string): void {
  db.prepare('UPDATE sessions SET ended_at = ? WHERE token_hash = ?').run(clock.now(), hashToken(token));
}

export function endUserSessions(db: Database, clock: Clock, userId: number): void {
  db.prepare('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL').run(clock.now(), userId);
}
