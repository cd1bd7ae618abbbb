// Member accounts (R2, R3): creation, sign-in checks with lockout, password change, TOTP second
// factor (RFC 6238 via otpauth, works offline) and policy acknowledgment (R15).
import type { Database } from 'better-sqlite3';
import * as OTPAuth from 'otpauth';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { isRole, type Role } from '../../api/roles';
import type { UserDto } from '../../api/types';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

/** A member as the api returns it (the core implements the contract's shape). */
export type User = UserDto;

type Row = {
  id: number;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  totp_secret: string | null;
  totp_pending: string | null;
  disabled: number;
  failed_attempts: number;
  locked_until: number | null;
  policy_ack_version: number;
  must_change_password: number;
  created_at: number;
};

function toUser(r: Row): User {
  if (!isRole(r.role)) throw new Error(`user ${r.username} has an unknown role ${r.role}`);
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    disabled: r.disabled === 1,
    totpEnabled: r.totp_secret !== null,
    lockedUntil: r.locked_until,
    policyAckVersion: r.policy_ack_version,
    mustChangePassword: r.must_change_password === 1,
    createdAt: r.created_at,
  };
}

function row(db: Database, id: number): Row {
  const r = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
  if (!r) throw new CanvassError('not_found', `no user with id ${id}`);
  return r;
}

export function getUser(db: Database, id: number): User {
  return toUser(row(db, id));
}

export function findUser(db: Database, username: string): User | null {
  const r = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
  return r ? toUser(r) : null;
}

export function listUsers(db: Database): User[] {
  return (db.prepare('SELECT * FROM users ORDER BY username').all() as Row[]).map(toUser);
}

export function countUsers(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  mustChangePassword?: boolean;
}

export function createUser(db: Database, clock: Clock, u: NewUser): User {
  const weak = passwordProblem(u.password);
  if (weak) throw new CanvassError('invalid_input', `Password ${weak}.`, { field: 'password' });
  if (findUser(db, u.username)) throw new CanvassError('conflict', `A user named "${u.username}" already exists.`);
  const now = clock.now();
  const info = db
    .prepare(
      `INSERT INTO users (username, display_name, role, password_hash, must_change_password, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(u.username, u.displayName, u.role, hashPassword(u.password), u.mustChangePassword ? 1 : 0, now, now);
  return getUser(db, Number(info.lastInsertRowid));
}

export function updateUser(
  db: Database,
  clock: Clock,
  id: number,
  patch: { displayName?: string; role?: Role; disabled?: boolean },
): User {
  const cur = getUser(db, id);
  db.prepare('UPDATE users SET display_name = ?, role = ?, disabled = ?, updated_at = ? WHERE id = ?').run(
    patch.displayName ?? cur.displayName,
    patch.role ?? cur.role,
    (patch.disabled ?? cur.disabled) ? 1 : 0,
    clock.now(),
    id,
  );
  return getUser(db, id);
}

/**
 * Checks a sign-in attempt. Five wrong passwords lock the account for 15 minutes (R3); the
 * lock is checked before the password so a locked account cannot be probed.
 */
export function checkCredentials(
  db: Database,
  clock: Clock,
  username: string,
  password: string,
  totpCode: string | undefined,
): User {
  const r = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
  const now = clock.now();
  if (!r) {
    verifyPassword(password, hashPassword('timing-equaliser-1')); // same cost as a real check
    throw new CanvassError('bad_credentials', 'Wrong user name or password.');
  }
  if (r.disabled) throw new CanvassError('bad_credentials', 'This account is disabled. Ask your ALPR administrator.');
  if (r.locked_until !== null && r.locked_until > now) {
    const minutes = Math.ceil((r.locked_until - now) / 60000);
    throw new CanvassError('account_locked', `Too many failed sign-ins. The account is locked for ${minutes} more minute(s).`);
  }
  if (!verifyPassword(password, r.password_hash)) {
    const failed = (r.locked_until !== null && r.locked_until <= now ? 0 : r.failed_attempts) + 1;
    const lock = failed >= MAX_FAILED_ATTEMPTS ? now + LOCKOUT_MS : null;
    db.prepare('UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failed, lock, r.id);
    if (lock) throw new CanvassError('account_locked', 'Too many failed sign-ins. The account is locked for 15 minutes.');
    throw new CanvassError('bad_credentials', 'Wrong user name or password.');
  }
  if (r.totp_secret !== null) {
    if (!totpCode) throw new CanvassError('totp_required', 'Enter the 6-digit code from your authenticator app.');
    if (!checkTotp(r.totp_secret, totpCode, now)) {
      throw new CanvassError('bad_credentials', 'The authenticator code is wrong or expired.');
    }
  }
  db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(r.id);
  return toUser(r);
}

export function verifyUserPassword(db: Database, id: number, password: string): boolean {
  return verifyPassword(password, row(db, id).password_hash);
}

export function changePassword(db: Database, clock: Clock, id: number, current: string, next: string): void {
  if (!verifyUserPassword(db, id, current)) throw new CanvassError('bad_credentials', 'The current password is wrong.');
  setPassword(db, clock, id, next, false);
}

export function setPassword(db: Database, clock: Clock, id: number, next: string, mustChange: boolean): void {
  const weak = passwordProblem(next);
  if (weak) throw new CanvassError('invalid_input', `New password ${weak}.`, { field: 'password' });
  db.prepare(
    'UPDATE users SET password_hash = ?, must_change_password = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?',
  ).run(hashPassword(next), mustChange ? 1 : 0, clock.now(), id);
}

export function unlockAccount(db: Database, id: number): void {
  db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
}

export function acknowledgePolicy(db: Database, clock: Clock, id: number, version: number): void {
  db.prepare('UPDATE users SET policy_ack_version = ?, policy_ack_at = ? WHERE id = ?').run(version, clock.now(), id);
}

// --- TOTP (RFC 6238): 30-second steps, 6 digits, SHA-1, one step of clock drift allowed.

function totp(secret: string, label = 'Canvass'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: 'Canvass', label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

export function checkTotp(secret: string, code: string, now: number): boolean {
  return totp(secret).validate({ token: code.replace(/\s/g, ''), timestamp: now, window: 1 }) !== null;
}

export function totpCodeAt(secret: string, now: number): string {
  return totp(secret).generate({ timestamp: now });
}

/** Starts enrolment: stores a pending secret and returns it with its otpauth:// URI. */
export function beginTotp(db: Database, id: number): { secret: string; uri: string } {
  const u = getUser(db, id);
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  db.prepare('UPDATE users SET totp_pending = ? WHERE id = ?').run(secret, id);
  return { secret, uri: totp(secret, u.username).toString() };
}

/** Finishes enrolment once the member proves the app produces the right codes. */
export function confirmTotp(db: Database, clock: Clock, id: number, code: string): void {
  const pending = row(db, id).totp_pending;
  if (!pending) throw new CanvassError('conflict', 'Start two-factor enrolment first.');
  if (!checkTotp(pending, code, clock.now())) throw new CanvassError('bad_credentials', 'That code does not match; try the next one.');
  db.prepare('UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, updated_at = ? WHERE id = ?').run(clock.now(), id);
}

export function disableTotp(db: Database, clock: Clock, id: number): void {
  db.prepare('UPDATE users SET totp_secret = NULL, totp_pending = NULL, updated_at = ? WHERE id = ?').run(clock.now(), id);
}
