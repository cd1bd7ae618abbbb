// The audit log (R1, R3, R4): append-only (SQLite triggers refuse UPDATE and DELETE) and
// hash-chained: each record's hash covers its fields and the previous record's hash, and the
// head (last seq + hash) is kept in meta, so an edited, reordered, inserted or deleted record —
// including the newest one — is found by verify().
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import canonicalize from 'canonicalize';
import type { Clock } from '../clock';
import type { AuditRecordDto } from '../../api/types';

export const GENESIS = '0'.repeat(64);

export type AuditOutcome = 'ok' | 'denied' | 'invalid' | 'error';

export interface AuditInput {
  userId: number | null;
  username: string | null;
  role: string | null;
  command: string;
  auditClass: string;
  purpose?: string | null;
  caseNumber?: string | null;
  query?: unknown;
  outcome: AuditOutcome;
  resultCount?: number | null;
  detail?: string | null;
}

export type AuditRecord = AuditRecordDto;

type Row = {
  seq: number;
  at: number;
  user_id: number | null;
  username: string | null;
  role: string | null;
  command: string;
  audit_class: string;
  purpose: string | null;
  case_number: string | null;
  query: string | null;
  outcome: AuditOutcome;
  result_count: number | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
};

function toRecord(r: Row): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    role: r.role,
    command: r.command,
    auditClass: r.audit_class,
    purpose: r.purpose,
    caseNumber: r.case_number,
    query: r.query,
    outcome: r.outcome,
    resultCount: r.result_count,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The hash of one record: SHA-256 over the previous hash and the RFC 8785 form of its fields. */
export function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  const body = canonicalize({
    seq: r.seq,
    at: r.at,
    userId: r.userId,
    username: r.username,
    role: r.role,
    command: r.command,
    auditClass: r.auditClass,
    purpose: r.purpose,
    caseNumber: r.caseNumber,
    query: r.query,
    outcome: r.outcome,
    resultCount: r.resultCount,
    detail: r.detail,
  });
  return createHash('sha256').update(r.prevHash).update('\n').update(body ?? '').digest('hex');
}

interface Head {
  seq: number;
  hash: string;
}

function readHead(db: Database): Head {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'audit_head'").get() as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as Head) : { seq: 0, hash: GENESIS };
}

/** Appends one record. Runs inside the caller's transaction when there is one. */
export function appendAudit(db: Database, clock: Clock, input: AuditInput): AuditRecord {
  return db.transaction(() => {
    const head = readHead(db);
    const partial: Omit<AuditRecord, 'hash'> = {
      seq: head.seq + 1,
      at: clock.now(),
      userId: input.userId,
      username: input.username,
      role: input.role,
      command: input.command,
      auditClass: input.auditClass,
      purpose: input.purpose ?? null,
      caseNumber: input.caseNumber ?? null,
      query: input.query === undefined ? null : JSON.stringify(input.query),
      outcome: input.outcome,
      resultCount: input.resultCount ?? null,
      detail: input.detail ?? null,
      prevHash: head.hash,
    };
    const rec: AuditRecord = { ...partial, hash: recordHash(partial) };
    db.prepare(
      `INSERT INTO audit (seq, at, user_id, username, role, command, audit_class, purpose, case_number,
         query, outcome, result_count, detail, prev_hash, hash)
       VALUES (@seq, @at, @userId, @username, @role, @command, @auditClass, @purpose, @caseNumber,
         @query, @outcome, @resultCount, @detail, @prevHash, @hash)`,
    ).run(rec);
    db.prepare("INSERT INTO meta (key, value) VALUES ('audit_head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
      JSON.stringify({ seq: rec.seq, hash: rec.hash }),
    );
    return rec;
  })();
}

export interface AuditProblem {
  seq: number;
  kind: 'edited' | 'reordered' | 'deleted' | 'inserted' | 'truncated';
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  headSeq: number;
  problems: AuditProblem[];
}

/** Walks the whole chain and names every record that was edited, moved, inserted or deleted. */
export function verifyAudit(db: Database): VerifyResult {
  const problems: AuditProblem[] = [];
  const head = readHead(db);
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let count = 0;
  let lastSeq = 0;
  for (const row of db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as Iterable<Row>) {
    const r = toRecord(row);
    count++;
    if (r.seq > expectedSeq) {
      const missing = r.seq - expectedSeq;
      problems.push({
        seq: expectedSeq,
        kind: 'deleted',
        message:
          missing === 1
            ? `record ${expectedSeq} is missing (deleted)`
            : `records ${expectedSeq}–${r.seq - 1} are missing (deleted)`,
      });
    }
    const recomputed = recordHash(r);
    if (recomputed !== r.hash) {
      problems.push({ seq: r.seq, kind: 'edited', message: `record ${r.seq} was changed after it was written` });
    } else if (r.prevHash !== prevHash && r.seq === expectedSeq) {
      problems.push({
        seq: r.seq,
        kind: 'reordered',
        message: `record ${r.seq} does not follow record ${r.seq - 1} (reordered or inserted)`,
      });
    }
    prevHash = r.hash;
    expectedSeq = r.seq + 1;
    lastSeq = r.seq;
  }
  if (head.seq > lastSeq) {
    problems.push({
      seq: lastSeq + 1,
      kind: 'truncated',
      message: `records ${lastSeq + 1}–${head.seq} at the end of the log are missing (deleted)`,
    });
  } else if (head.seq < lastSeq || (head.seq === lastSeq && head.seq > 0 && head.hash !== prevHash)) {
    problems.push({
      seq: head.seq,
      kind: 'inserted',
      message: `the log's recorded head (record ${head.seq}) does not match its last record ${lastSeq}`,
    });
  }
  return { ok: problems.length === 0, records: count, headSeq: head.seq, problems };
}

export interface AuditQuery {
  from?: number;
  to?: number;
  userId?: number;
  command?: string;
  caseNumber?: string;
  outcome?: AuditOutcome;
  limit: number;
  offset: number;
}

export function listAudit(db: Database, q: AuditQuery): { total: number; records: AuditRecord[] } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit, offset: q.offset };
  if (q.from !== undefined) {
    where.push('at >= @from');
    params.from = q.from;
  }
  if (q.to !== undefined) {
    where.push('at < @to');
    params.to = q.to;
  }
  if (q.userId !== undefined) {
    where.push('user_id = @userId');
    params.userId = q.userId;
  }
  if (q.command !== undefined) {
    where.push('command = @command');
    params.command = q.command;
  }
  if (q.caseNumber !== undefined) {
    where.push('case_number = @caseNumber');
    params.caseNumber = q.caseNumber;
  }
  if (q.outcome !== undefined) {
    where.push('outcome = @outcome');
    params.outcome = q.outcome;
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { limit: _l, offset: _o, ...countParams } = params;
  const total = (db.prepare(`SELECT count(*) AS n FROM audit ${clause}`).get(countParams) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM audit ${clause} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
    .all(params) as Row[];
  return { total, records: rows.map(toRecord) };
}
