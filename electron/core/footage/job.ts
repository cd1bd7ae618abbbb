// Runs one footage job: its files in order, each hashed (a file already imported adds nothing),
// probed, given its time base and place, and run through the native pipeline with a sink that
// commits reads and checkpoints. A file that cannot be used fails alone with its reason; a full
// disk stops the whole job. A file interrupted earlier (this job or another one) goes on from
// its checkpoint.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Database } from 'better-sqlite3';
import { probeVideo, FootageError } from '../../../native/footage/ffmpeg';
import { boxInCrop } from '../../../native/footage/crop';
import { modelsDirFor, recognizerSpec } from '../../../native/footage/engine';
import { damagedPhoto, processPhoto, processVideo, type Segment, type Verdict } from '../../../native/footage/pipeline';
import { FramePool } from '../../../native/footage/pool';
import { StateThread } from '../../../native/footage/state-client';
import { DEFAULT_TRACKER, type FinishedTrack, type Track, type TrackerOptions } from '../../../native/footage/tracker';
import { MIN_STATE_HEIGHT, MIN_STATE_WIDTH, STATE_MODEL_TAG, STATE_RULE, tooSmallForState } from '../../../native/recognition/state';
import type { FootageParamsDto, JobFileStatus, JobProgressDto } from '../../api/types-footage';
import type { Core } from '../app';
import type { MediaStore } from '../store/media';
import { getJob } from '../jobs/queue';
import type { JobControl, JobOutcome } from '../jobs/runner';
import { commitSegment, freshPasses, isStorablePlate, type FileFacts } from './commit';
import { readTrack, type PositionTrack } from './sidecar';
import { photoMeta, videoTimeBase } from './timebase';

export interface FootageRunOptions {
  workers?: number | undefined;
  tracker?: TrackerOptions | undefined;
  minDetectorScore?: number | undefined;
  /** Video time per committed segment. */
  checkpointMs?: number | undefined;
  /**
   * Which files' reads get the state printed on their plate (docs/recognition.md "State"):
   * photos only by default (CANVASS_FOOTAGE_STATES=all|photos|off): ~25-50 ms a read would take
   * an hour of dense 1080p footage past its 10-minute goal on two cores.
   */
  states?: 'all' | 'photos' | 'off' | undefined;
}

interface FileRow {
  id: number;
  path: string;
  media_kind: 'video' | 'photo' | null;
  size: number | null;
  sha256: string | null;
  status: JobFileStatus;
  import_id: number | null;
  checkpoint: string | null;
  frames_done: number;
  reads_found: number;
}

/** Thrown for SQLITE_FULL / ENOSPC: nothing more can be written, so the job stops. */
class DiskFull extends Error {}

function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || /SQLITE_FULL|ENOSPC|database or disk is full|no space left/i.test(String(e));
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The job's runner (registered under kind "footage"). */
export function footageRunner(opts: FootageRunOptions = {}) {
  return (core: Core, ctl: JobControl): Promise<JobOutcome> => runFootageJob(core, ctl, opts);
}

async function runFootageJob(core: Core, ctl: JobControl, opts: FootageRunOptions): Promise<JobOutcome> {
  const { db } = core.store;
  const job = getJob(db, ctl.jobId);
  const params = job.params;
  const files = db
    .prepare('SELECT id, path, media_kind, size, sha256, status, import_id, checkpoint, frames_done, reads_found FROM job_files WHERE job_id = ? ORDER BY ord')
    .all(ctl.jobId) as FileRow[];
  const weights = files.map((f) => Math.max(1, f.size ?? 1));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const finished = (s: JobFileStatus) => s !== 'queued' && s !== 'running';
  const started = Date.now();
  const p: JobProgressDto = { ...job.progress, fileCount: files.length };
  // a bad CANVASS_FOOTAGE_STATES fails the job here, once, before any file
  let scope: 'all' | 'photos' | 'off';
  try {
    scope = stateScope(opts.states ?? (params.readStates === undefined ? undefined : params.readStates ? 'all' : 'off'));
  } catch (e) {
    return { status: 'failed', error: e instanceof Error ? e.message : String(e), progress: { ...p, etaSeconds: null } };
  }
  let doneWeight = files.reduce((a, f, i) => a + (finished(f.status) ? weights[i]! : 0), 0);
  const startPct = doneWeight / totalWeight;
  let framesBefore = files.reduce((a, f) => a + f.frames_done, 0);
  let readsBefore = files.reduce((a, f) => a + f.reads_found, 0);
  const report = (fraction: number, frames: number, reads: number, name: string | null, force = false) => {
    const pct = Math.min(1, (doneWeight + fraction) / totalWeight);
    const elapsed = (Date.now() - started) / 1000;
    const gained = pct - startPct;
    Object.assign(p, {
      percent: Math.round(pct * 1000) / 10,
      framesDone: framesBefore + frames,
      readsFound: readsBefore + reads,
      filesDone: files.filter((f) => finished(f.status)).length,
      currentFile: name,
      elapsedSeconds: Math.round(elapsed),
      etaSeconds: gained > 0.005 && elapsed > 1 ? Math.round((elapsed * (1 - pct)) / gained) : null,
    });
    ctl.progress({ ...p }, force);
  };
  const track = params.trackPath ? { file: params.trackPath, ...readTrack(params.trackPath) } : null;
  // Started on first need (a job of duplicates starts no workers), once, however many ask.
  let pool: FramePool | null = null;
  let starting: Promise<FramePool> | null = null;
  const poolOf = () =>
    (starting ??= (async () => {
      const p = new FramePool(
        {
          recognizer: recognizerSpec(opts.minDetectorScore ?? 0.45),
          minDetectorScore: opts.minDetectorScore ?? 0.45,
          minFrameConfidence: (opts.tracker ?? DEFAULT_TRACKER).minReadConfidence,
          contextMaxWidth: 1920,
        },
        { size: opts.workers ?? (process.env.CANVASS_FOOTAGE_WORKERS ? Number(process.env.CANVASS_FOOTAGE_WORKERS) : undefined) },
      );
      pool = p;
      await p.start();
      return p;
    })());
  // The state reader's thread, started on first need too; if it cannot start, reads keep state
  // null and their provenance says why (a plus, never a reason to lose reads).
  let stateThread: Promise<StateThread | string> | null = null;
  const statesOf = () =>
    (stateThread ??= StateThread.start(modelsDirFor()).catch((e: unknown) => `state reader unavailable: ${e instanceof Error ? e.message : String(e)}`));
  /** One file, start to end; its failure is recorded on its row (a full disk is thrown). */
  const runOne = async (i: number, f: FileRow): Promise<JobFileStatus> => {
    framesBefore -= f.frames_done;
    readsBefore -= f.reads_found;
    let status: JobFileStatus;
    try {
      status = await importFile(core, f, params, track, poolOf, scope === 'all' || (scope === 'photos' && f.media_kind === 'photo') ? statesOf : null, opts, ctl, (frac, frames, reads, force) =>
        report(frac * weights[i]!, frames, reads, basename(f.path), force),
      );
    } catch (e) {
      if (isDiskFull(e)) throw new DiskFull(`Disk full while importing ${basename(f.path)}: ${e instanceof Error ? e.message : String(e)}. The job stopped; free space and resume it.`);
      const msg = e instanceof FootageError ? e.message : `${basename(f.path)}: ${e instanceof Error ? e.message : String(e)}`;
      status = 'failed';
      db.prepare("UPDATE job_files SET status = 'failed', error = ? WHERE id = ?").run(msg, f.id);
      db.prepare("UPDATE imports SET status = 'failed', finished_at = ? WHERE id = (SELECT import_id FROM job_files WHERE id = ?) AND status = 'running'").run(
        core.clock.now(),
        f.id,
      );
    }
    const row = db.prepare('SELECT status, frames_done, reads_found FROM job_files WHERE id = ?').get(f.id) as {
      status: JobFileStatus;
      frames_done: number;
      reads_found: number;
    };
    f.status = row.status;
    framesBefore += row.frames_done;
    readsBefore += row.reads_found;
    if (status !== 'cancelled' && status !== 'running') {
      doneWeight += weights[i]!;
      report(0, 0, 0, null, true);
    }
    return status;
  };
  let verdict: Verdict = 'continue';
  const todo = files.map((f, i) => ({ f, i })).filter(({ f }) => !finished(f.status));
  try {
    while (todo.length > 0) {
      verdict = ctl.verdict();
      if (verdict !== 'continue') break;
      if (todo[0]!.f.media_kind === 'photo') {
        // Photos are one frame each: several in flight keep every worker busy.
        const width = (await poolOf()).size * 2;
        let n = 0;
        while (n < todo.length && n < width && todo[n]!.f.media_kind === 'photo') n++;
        const settled = await Promise.allSettled(todo.splice(0, n).map(({ f, i }) => runOne(i, f)));
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        continue;
      }
      const { f, i } = todo.shift()!;
      const status = await runOne(i, f);
      if (status === 'cancelled' || status === 'running') {
        verdict = status === 'cancelled' ? 'cancel' : 'stop';
        break;
      }
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // A full disk stops the job where its last checkpoint left it, resumable once there is
    // room; anything else (the recognizer failing to start) ends it.
    return { status: e instanceof DiskFull ? 'interrupted' : 'failed', error: msg, progress: { ...p, etaSeconds: null } };
  } finally {
    try {
      if (pool) await (pool as FramePool).close();
    } finally {
      const st = stateThread ? await (stateThread as Promise<StateThread | string>) : null;
      if (st instanceof StateThread) await st.close();
    }
  }
  const uniqueErrors = [
    ...new Set(
      (db.prepare("SELECT error FROM job_files WHERE job_id = ? AND status = 'failed' AND error IS NOT NULL ORDER BY ord").all(ctl.jobId) as { error: string }[]).map(
        (r) => r.error,
      ),
    ),
  ];
  if (verdict === 'cancel') {
    db.prepare("UPDATE job_files SET status = 'cancelled' WHERE job_id = ? AND status IN ('queued','running')").run(ctl.jobId);
    return { status: 'cancelled', error: null, progress: { ...p, currentFile: null, etaSeconds: null } };
  }
  if (verdict === 'stop') return { status: 'interrupted', error: null, progress: { ...p, etaSeconds: null } };
  return {
    status: uniqueErrors.length ? 'failed' : 'done',
    error: uniqueErrors.length ? uniqueErrors.join('\n') : null,
    progress: { ...p, percent: 100, currentFile: null, etaSeconds: 0 },
  };
}

type Report = (fraction: number, frames: number, reads: number, force?: boolean) => void;

/** The option, else CANVASS_FOOTAGE_STATES, else photos; anything else in the variable is an error. */
function stateScope(given: FootageRunOptions['states']): 'all' | 'photos' | 'off' {
  if (given) return given;
  const env = process.env.CANVASS_FOOTAGE_STATES;
  if (env === undefined || env === '') return 'photos';
  if (env === 'all' || env === 'photos' || env === 'off') return env;
  throw new Error(`CANVASS_FOOTAGE_STATES="${env}": expected all, photos or off`);
}

/**
 * The state printed on each finished pass's plate, read from its crop (the best observation's
 * box inside it; a pass resumed with its crop already stored reads it back from the media
 * store). Each pass records what happened: the state named or none, by which model, or why it
 * was not read. A failure leaves the read without a state, never without the read.
 */
async function readStates(reader: StateThread | string, finished: FinishedTrack[], media: MediaStore): Promise<void> {
  for (const t of finished) {
    if (t.stateRead) continue;
    if (typeof reader === 'string') {
      t.stateRead = { guess: null, skipped: reader };
      continue;
    }
    if (tooSmallForState(t.box)) {
      t.stateRead = { guess: null, skipped: `plate under ${MIN_STATE_WIDTH} x ${MIN_STATE_HEIGHT} px` };
      continue;
    }
    const crop = t.cropJpeg ?? (t.cropSha && media.has(t.cropSha) ? media.get(t.cropSha) : null);
    if (!crop) {
      t.stateRead = { guess: null, skipped: 'no plate crop kept' };
      continue;
    }
    try {
      t.stateRead = { guess: await reader.read(crop, boxInCrop(t.box)), model: STATE_MODEL_TAG, rule: STATE_RULE };
    } catch (e) {
      t.stateRead = { guess: null, skipped: `state reader failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

/** Imports one file; returns its final status ('running' when stopped for a later resume). */
async function importFile(
  core: Core,
  f: FileRow,
  params: FootageParamsDto,
  track: ({ file: string } & PositionTrack) | null,
  poolOf: () => Promise<FramePool>,
  statesOf: (() => Promise<StateThread | string>) | null,
  opts: FootageRunOptions,
  ctl: JobControl,
  report: Report,
): Promise<JobFileStatus> {
  const { db, media } = core.store;
  const name = basename(f.path);
  db.prepare("UPDATE job_files SET status = 'running' WHERE id = ?").run(f.id);
  report(0, 0, 0, true);
  let sha: string;
  try {
    sha = f.sha256 ?? (await sha256File(f.path));
  } catch (e) {
    throw new FootageError(f.path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  db.prepare('UPDATE job_files SET sha256 = ? WHERE id = ?').run(sha, f.id);
  const dup = db.prepare("SELECT id FROM imports WHERE file_sha256 = ? AND kind = 'footage' AND status = 'done'").get(sha) as { id: number } | undefined;
  if (dup) {
    db.prepare("UPDATE job_files SET status = 'duplicate', import_id = ?, error = NULL WHERE id = ?").run(dup.id, f.id);
    return 'duplicate';
  }
  adoptEarlierRun(db, f, sha);
  const tracker = opts.tracker ?? DEFAULT_TRACKER;
  const givenStart = params.startTime ? Date.parse(params.startTime) : null;
  const kind = f.media_kind!;
  const info = kind === 'video' ? await probeVideo(f.path) : null;
  const photo = kind === 'photo' ? await photoMeta(f.path, params.source.timeZone, givenStart) : null;
  const time = info ? videoTimeBase(f.path, info.creationTime, info.durationMs, givenStart) : photo!.time;
  if (f.import_id === null) {
    f.import_id = Number(
      db
        .prepare(
          `INSERT INTO imports (kind, format, file_name, file_sha256, user_id, started_at, status)
           VALUES ('footage', ?, ?, ?, (SELECT user_id FROM jobs WHERE id = ?), ?, 'running')`,
        )
        .run(info ? `video/${info.codec}` : 'photo', name, sha, ctl.jobId, core.clock.now()).lastInsertRowid,
    );
    db.prepare('UPDATE job_files SET import_id = ? WHERE id = ?').run(f.import_id, f.id);
  }
  db.prepare('UPDATE job_files SET duration_ms = ?, meta = ? WHERE id = ?').run(info?.durationMs ?? null, JSON.stringify({ video: info, time }), f.id);
  const pool = await poolOf();
  const states = statesOf ? await statesOf() : null;
  const facts: FileFacts = {
    jobFileId: f.id,
    importId: f.import_id,
    path: f.path,
    name,
    sha256: sha,
    mediaKind: kind,
    time,
    source: params.source,
    track: track ? { file: basename(track.file), format: track.format, fixes: track.fixes } : null,
    exifGps: photo?.gps ?? null,
    models: pool.versions,
    thresholds: { minDetectorScore: opts.minDetectorScore ?? 0.45, minReadConfidence: tracker.minReadConfidence, maxGapMs: tracker.maxGapMs, minColourShare: tracker.minColourShare },
    sampling: info ? { fps: params.fps, keyframes: params.keyframes } : null,
  };
  const commit = async (seg: Segment) => {
    // only passes that will become new reads: a replayed segment's passes are already stored
    if (states) await readStates(states, freshPasses(db, sha, seg.finished).filter((t) => isStorablePlate(t.text)), media);
    commitSegment(db, core.clock, media, facts, seg);
  };
  if (!info) {
    const r = await processPhoto(f.path, pool, tracker);
    if (r.damage !== undefined) {
      // as a cut-off video: keep what the readable part gave (an ordinary segment), then fail the file
      await commit({ finished: r.finished, lastMs: 0, open: [], framesDone: 1, final: false });
      throw damagedPhoto(f.path, r.damage);
    }
    await commit({ finished: r.finished, lastMs: 0, open: [], framesDone: 1, final: true });
    report(1, 1, r.finished.length, true);
  } else {
    const cp = f.checkpoint ? (JSON.parse(f.checkpoint) as { lastMs: number; open: Track[] }) : null;
    const outcome = await processVideo(
      f.path,
      info,
      pool,
      {
        fps: params.fps,
        keyframes: params.keyframes,
        tracker,
        checkpointMs: opts.checkpointMs ?? (Number(process.env.CANVASS_FOOTAGE_CHECKPOINT_MS) || 10_000),
        resume: cp && cp.lastMs !== null ? { lastMs: cp.lastMs, open: cp.open, framesDone: f.frames_done, readsFound: f.reads_found } : undefined,
      },
      {
        commit,
        persist: (b) => media.put(b),
        progress: (pr) => report(info.durationMs > 0 ? Math.min(1, pr.ptsMs / info.durationMs) : 0, pr.framesDone, pr.readsFound),
        verdict: () => ctl.verdict(),
      },
    );
    if (outcome.verdict === 'cancel') {
      db.prepare("UPDATE job_files SET status = 'cancelled' WHERE id = ?").run(f.id);
      db.prepare("UPDATE imports SET status = 'failed', finished_at = ? WHERE id = ? AND status = 'running'").run(core.clock.now(), f.import_id);
      return 'cancelled';
    }
    if (outcome.verdict === 'stop') return 'running';
  }
  core.events.emit('event', { type: 'reads.imported', payload: { importId: f.import_id } });
  return 'done';
}

/**
 * The same file may have been started by an earlier job that crashed, was stopped or was
 * cancelled: take over its import and checkpoint, so its reads are not found a second time.
 */
function adoptEarlierRun(db: Database, f: FileRow, sha: string): void {
  if (f.import_id !== null) return;
  const prev = db
    .prepare(
      `SELECT jf.id, jf.import_id, jf.checkpoint, jf.frames_done, jf.reads_found FROM job_files jf JOIN jobs j ON j.id = jf.job_id
       WHERE jf.sha256 = ? AND jf.id <> ? AND jf.import_id IS NOT NULL AND jf.status IN ('queued','running','cancelled','failed')
         AND j.status NOT IN ('running','stopping','cancelling','queued')
       ORDER BY jf.id DESC LIMIT 1`,
    )
    .get(sha, f.id) as { id: number; import_id: number; checkpoint: string | null; frames_done: number; reads_found: number } | undefined;
  if (!prev) return;
  db.transaction(() => {
    db.prepare('UPDATE job_files SET import_id = ?, checkpoint = ?, frames_done = ?, reads_found = ? WHERE id = ?').run(
      prev.import_id,
      prev.checkpoint,
      prev.frames_done,
      prev.reads_found,
      f.id,
    );
    db.prepare("UPDATE job_files SET status = 'superseded', checkpoint = NULL WHERE id = ?").run(prev.id);
    db.prepare("UPDATE imports SET status = 'running', finished_at = NULL WHERE id = ?").run(prev.import_id);
  })();
  Object.assign(f, { import_id: prev.import_id, checkpoint: prev.checkpoint, frames_done: prev.frames_done, reads_found: prev.reads_found });
}
