// The persistent job queue: jobs and their files live in the store, so a queue survives a quit
// or crash. One job runs at a time per store (claimed in a transaction and marked with the
// host:pid of its runner); a job whose runner died is found by its pid or stale heartbeat and
// becomes `interrupted`, from where it can be resumed. Cancel and stop are requests written
// here and honoured by the runner at its next checkpoint.
import { hostname } from 'node:os';
import type { Database } from 'better-sqlite3';
import type { FootageParamsDto, JobDto, JobFileDto, JobFileStatus, JobProgressDto, JobStatus } from '../../api/types-footage';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';

/** A running job not heard from for this long is taken as dead. */
export const HEARTBEAT_STALE_MS = 120_000;

export const ACTIVE: JobStatus[] = ['queued', 'running', 'stopping', 'cancelling'];

export const EMPTY_PROGRESS: JobProgressDto = {
  percent: 0,
  framesDone: 0,
  readsFound: 0,
  filesDone: 0,
  fileCount: 0,
  currentFile: null,
  etaSeconds: null,
  elapsedSeconds: 0,
};

export interface NewJobFile {
  path: string;
  mediaKind: 'video' | 'photo' | null;
  size: number | null;
  error?: string | undefined;
}

interface JobRow {
  id: number;
  kind: string;
  status: JobStatus;
  params: string;
  runner: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  heartbeat_at: number | null;
  progress: string;
  error: string | null;
  username: string | null;
}

interface FileRow {
  id: number;
  path: string;
  media_kind: 'video' | 'photo' | null;
  status: JobFileStatus;
  sha256: string | null;
  import_id: number | null;
  duration_ms: number | null;
  frames_done: number;
  reads_found: number;
  error: string | null;
}

export function runnerId(): string {
  return `${hostname()}:${process.pid}`;
}

export function createJob(db: Database, clock: Clock, kind: string, params: FootageParamsDto, userId: number | null, files: NewJobFile[]): number {
  return db.transaction(() => {
    const progress: JobProgressDto = { ...EMPTY_PROGRESS, fileCount: files.length };
    const jobId = Number(
      db
        .prepare("INSERT INTO jobs (kind, status, params, user_id, created_at, progress) VALUES (?, 'queued', ?, ?, ?, ?)")
        .run(kind, JSON.stringify(params), userId, clock.now(), JSON.stringify(progress)).lastInsertRowid,
    );
    const ins = db.prepare('INSERT INTO job_files (job_id, ord, path, media_kind, size, status, error) VALUES (?, ?, ?, ?, ?, ?, ?)');
    files.forEach((f, i) => ins.run(jobId, i, f.path, f.mediaKind, f.size, f.error ? 'failed' : 'queued', f.error ?? null));
    return jobId;
  })();
}

function fileDto(r: FileRow): JobFileDto {
  return {
    id: r.id,
    path: r.path,
    name: r.path.split(/[\\/]/).pop() ?? r.path,
    kind: r.media_kind,
    status: r.status,
    sha256: r.sha256,
    importId: r.import_id,
    durationMs: r.duration_ms,
    framesDone: r.frames_done,
    readsFound: r.reads_found,
    error: r.error,
  };
}

const JOB_SELECT = `SELECT j.id, j.kind, j.status, j.params, j.runner, j.created_at, j.started_at, j.finished_at, j.heartbeat_at,
  j.progress, j.error, u.username FROM jobs j LEFT JOIN users u ON u.id = j.user_id`;

function jobDto(db: Database, r: JobRow): JobDto {
  const files = db
    .prepare(
      `SELECT id, path, media_kind, status, sha256, import_id, duration_ms, frames_done, reads_found, error
       FROM job_files WHERE job_id = ? ORDER BY ord`,
    )
    .all(r.id) as FileRow[];
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    createdBy: r.username,
    params: JSON.parse(r.params) as FootageParamsDto,
    progress: { ...EMPTY_PROGRESS, ...(JSON.parse(r.progress) as Partial<JobProgressDto>) },
    error: r.error,
    files: files.map(fileDto),
  };
}

export function getJob(db: Database, id: number): JobDto {
  const r = db.prepare(`${JOB_SELECT} WHERE j.id = ?`).get(id) as JobRow | undefined;
  if (!r) throw new CanvassError('not_found', `There is no job #${id}.`);
  return jobDto(db, r);
}

export function listJobs(db: Database, limit: number, activeOnly: boolean): JobDto[] {
  const rows = (
    activeOnly
      ? db.prepare(`${JOB_SELECT} WHERE j.status IN ('queued','running','stopping','cancelling','interrupted') ORDER BY j.id DESC LIMIT ?`)
      : db.prepare(`${JOB_SELECT} ORDER BY j.id DESC LIMIT ?`)
  ).all(limit) as JobRow[];
  return rows.map((r) => jobDto(db, r));
}

function alive(runner: string | null, heartbeat: number | null, now: number): boolean {
  if (!runner) return false;
  const [host, pid] = runner.split(':');
  if (host === hostname() && pid) {
    try {
      process.kill(Number(pid), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    }
  }
  return heartbeat !== null && now - heartbeat < HEARTBEAT_STALE_MS;
}

/** Marks jobs whose runner is gone as interrupted (cancel requests to a dead runner just cancel). */
export function recoverOrphans(db: Database, clock: Clock): void {
  const now = clock.now();
  const rows = db
    .prepare("SELECT id, status, runner, heartbeat_at FROM jobs WHERE status IN ('running','stopping','cancelling')")
    .all() as { id: number; status: JobStatus; runner: string | null; heartbeat_at: number | null }[];
  for (const r of rows) {
    if (r.runner === runnerId() || alive(r.runner, r.heartbeat_at, now)) continue;
    const next: JobStatus = r.status === 'cancelling' ? 'cancelled' : 'interrupted';
    db.prepare('UPDATE jobs SET status = ?, runner = NULL, finished_at = CASE WHEN ? = ? THEN ? ELSE finished_at END WHERE id = ?').run(
      next,
      next,
      'cancelled',
      now,
      r.id,
    );
    db.prepare("UPDATE job_files SET status = 'queued' WHERE job_id = ? AND status = 'running'").run(r.id);
  }
}

/** Claims the oldest queued job if no live job is running; returns its id. */
export function claimNext(db: Database, clock: Clock): number | null {
  return db.transaction(() => {
    recoverOrphans(db, clock);
    const busy = db.prepare("SELECT id FROM jobs WHERE status IN ('running','stopping','cancelling') LIMIT 1").get();
    if (busy) return null;
    const next = db.prepare("SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1").get() as { id: number } | undefined;
    if (!next) return null;
    const now = clock.now();
    db.prepare("UPDATE jobs SET status = 'running', runner = ?, started_at = coalesce(started_at, ?), heartbeat_at = ? WHERE id = ?").run(
      runnerId(),
      now,
      now,
      next.id,
    );
    return next.id;
  })();
}

export function jobStatus(db: Database, id: number): JobStatus {
  const r = db.prepare('SELECT status FROM jobs WHERE id = ?').get(id) as { status: JobStatus } | undefined;
  if (!r) throw new CanvassError('not_found', `There is no job #${id}.`);
  return r.status;
}

export function heartbeat(db: Database, clock: Clock, id: number, progress: JobProgressDto): void {
  db.prepare('UPDATE jobs SET heartbeat_at = ?, progress = ? WHERE id = ?').run(clock.now(), JSON.stringify(progress), id);
}

export function finishJob(db: Database, clock: Clock, id: number, status: JobStatus, error: string | null, progress: JobProgressDto): void {
  const ended = status === 'done' || status === 'failed' || status === 'cancelled';
  db.prepare('UPDATE jobs SET status = ?, error = ?, progress = ?, runner = NULL, finished_at = ? WHERE id = ?').run(
    status,
    error,
    JSON.stringify(progress),
    ended ? clock.now() : null,
    id,
  );
}

/** Asks a job to cancel: a queued or interrupted one ends now, a running one at its next checkpoint. */
export function requestCancel(db: Database, clock: Clock, id: number): void {
  const s = jobStatus(db, id);
  if (s === 'queued' || s === 'interrupted') {
    db.prepare("UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ?").run(clock.now(), id);
    db.prepare("UPDATE job_files SET status = 'cancelled' WHERE job_id = ? AND status IN ('queued','running')").run(id);
  } else if (s === 'running' || s === 'stopping') {
    db.prepare("UPDATE jobs SET status = 'cancelling' WHERE id = ?").run(id);
  } else if (s !== 'cancelling') {
    throw new CanvassError('conflict', `Job #${id} has already ended (${s}); there is nothing to cancel.`);
  }
}

/** Asks a running job to stop at its next checkpoint and stay resumable (quit, Ctrl-C). */
export function requestStop(db: Database, id: number): void {
  db.prepare("UPDATE jobs SET status = 'stopping' WHERE id = ? AND status = 'running'").run(id);
}

/** At quit: asks every job this process runs to stop at its next checkpoint. Returns how many. */
export function requestStopAll(db: Database): number {
  return db.prepare("UPDATE jobs SET status = 'stopping' WHERE status = 'running' AND runner = ?").run(runnerId()).changes;
}

/** Puts an interrupted job back in the queue; its files go on from their checkpoints. */
export function requeue(db: Database, clock: Clock, id: number): void {
  recoverOrphans(db, clock);
  const s = jobStatus(db, id);
  if (s === 'queued' || s === 'running') return;
  if (s !== 'interrupted') throw new CanvassError('conflict', `Job #${id} is ${s}; only an interrupted job can be resumed.`);
  db.prepare("UPDATE jobs SET status = 'queued', error = NULL WHERE id = ?").run(id);
}
