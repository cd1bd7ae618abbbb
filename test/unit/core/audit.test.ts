// The audit log (R3, R4): append-only, hash-chained; verify names each tampered record.
import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../../electron/core/audit/log';
import { ManualClock } from '../../../electron/core/clock';
import { openMemoryStore } from '../../../electron/core/store/db';

function logOf(n: number) {
  const store = openMemoryStore();
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  for (let i = 0; i < n; i++) {
    clock.advance(1000);
    appendAudit(store.db, clock, {
      userId: 1,
      username: 'ada',
      role: 'analyst',
      command: 'reads.search',
      auditClass: 'alpr',
      purpose: 'Crime Analysis',
      caseNumber: `C-${i}`,
      query: { plate: `7AB${i}` },
      outcome: 'ok',
      resultCount: i,
    });
  }
  return store.db;
}

/** Tampering as an intruder with file access would: drop the guards first. */
function tamper(db: ReturnType<typeof logOf>, sql: string) {
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
  db.exec(sql);
}

describe('audit log', () => {
  it('verifies an intact chain', () => {
    const r = verifyAudit(logOf(20));
    expect(r).toMatchObject({ ok: true, records: 20, headSeq: 20, problems: [] });
  });

  it('refuses UPDATE and DELETE through SQL', () => {
    const db = logOf(3);
    expect(() => db.exec("UPDATE audit SET case_number = 'X' WHERE seq = 2")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit WHERE seq = 2')).toThrow(/append-only/);
  });

  it('names an edited record', () => {
    const db = logOf(10);
    tamper(db, "UPDATE audit SET case_number = 'C-999' WHERE seq = 4");
    const r = verifyAudit(db);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ seq: 4, kind: 'edited' })]);
  });

  it('names a deleted record in the middle and at the end', () => {
    const db = logOf(10);
    tamper(db, 'DELETE FROM audit WHERE seq = 6');
    expect(verifyAudit(db).problems).toEqual([expect.objectContaining({ seq: 6, kind: 'deleted' })]);
    db.exec('DELETE FROM audit WHERE seq = 10');
    expect(verifyAudit(db).problems.map((p) => p.kind)).toEqual(['deleted', 'truncated']);
  });

  it('names reordered records', () => {
    const db = logOf(6);
    // swap the contents of records 2 and 3 but keep their seq numbers and hashes consistent per row
    tamper(
      db,
      `UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 100;`,
    );
    const r = verifyAudit(db);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.seq)).toContain(2);
  });

  it('names a forged record re-hashed to look valid but out of chain', () => {
    const db = logOf(5);
    const rec = db.prepare('SELECT * FROM audit WHERE seq = 3').get() as Record<string, unknown>;
    tamper(db, 'DELETE FROM audit WHERE seq = 3');
    // re-insert a copy whose prev_hash points elsewhere
    db.prepare(
      `INSERT INTO audit (seq, at, user_id, username, role, command, audit_class, purpose, case_number, query, outcome, result_count, detail, prev_hash, hash)
       VALUES (@seq, @at, @user_id, @username, @role, @command, @audit_class, @purpose, @case_number, @query, @outcome, @result_count, @detail, @prev_hash, @hash)`,
    ).run({ ...rec, prev_hash: '1'.repeat(64) });
    expect(verifyAudit(db).problems[0]).toMatchObject({ seq: 3 });
  });
});
