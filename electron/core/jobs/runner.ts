// Runs queued jobs, one at a time per store: `kick` claims the next queued job, runs it to an
// end (done, failed, cancelled, or interrupted by a stop request), then looks for the next.
// Calling it again while a job runs is harmless, so every place that queues or resumes a job
// simply kicks. Progress goes to the store (heartbeat) and, throttled, to core.events as
// `job.progress`; the end goes out as `job.finished` after the final commit.
import type { JobEventDto, JobProgressDto, JobStatus } from '../../api/types-footage';
import type { Core } from '../app';
import { claimNext, EMPTY_PROGRESS, finishJob, getJob, heartbeat, jobStatus } from './queue';

export type Verdict = 'continue' | 'cancel' | 'stop';

export interface JobControl {
  jobId: number;
  /** Reads the job's status from the store: a cancel or stop request turns into a verdict. */
  verdict(): Verdict;
  /** Reports progress; persisted and announced at most every `intervalMs`, unless forced. */
  progress(p: JobProgressDto, force?: boolean): void;
}

export interface JobOutcome {
  status: Extract<JobStatus, 'done' | 'failed' | 'cancelled' | 'interrupted'>;
  error: string | null;
  progress: JobProgressDto;
}

export type JobKindRunner = (core: Core, ctl: JobControl) => Promise<JobOutcome>;

const PROGRESS_INTERVAL_MS = 250;

function event(jobId: number, status: JobStatus, p: JobProgressDto, error: string | null): JobEventDto {
  return { jobId, status, error, ...p };
}

/**
 * Runs queued jobs until none is left. `kinds` maps a job kind to its runner (passed in so
 * the queue does not depend on what the jobs do). Resolves when the queue is drained or
 * another live process holds the running job.
 */
export async function kick(core: Core, kinds: Record<string, JobKindRunner>): Promise<void> {
  const { db } = core.store;
  for (;;) {
    const id = claimNext(db, core.clock);
    if (id === null) return;
    const job = getJob(db, id);
    const runner = kinds[job.kind];
    let last = 0;
    let latest: JobProgressDto = job.progress;
    const ctl: JobControl = {
      jobId: id,
      verdict() {
        const s = jobStatus(db, id);
        return s === 'cancelling' ? 'cancel' : s === 'stopping' ? 'stop' : 'continue';
      },
      progress(p, force = false) {
        latest = p;
        const now = Date.now();
        if (!force && now - last < PROGRESS_INTERVAL_MS) return;
        last = now;
        heartbeat(db, core.clock, id, p);
        core.events.emit('event', { type: 'job.progress', payload: event(id, 'running', p, null) });
      },
    };
    let outcome: JobOutcome;
    if (!runner) {
      outcome = { status: 'failed', error: `Canvass cannot run jobs of kind "${job.kind}".`, progress: latest };
    } else {
      try {
        outcome = await runner(core, ctl);
      } catch (e) {
        outcome = { status: 'failed', error: e instanceof Error ? e.message : String(e), progress: latest };
      }
    }
    try {
      finishJob(db, core.clock, id, outcome.status, outcome.error, outcome.progress);
    } catch (e) {
      // The store itself failed (disk full): the smallest write that frees the job for a resume.
      outcome = { ...outcome, status: 'interrupted', error: `${outcome.error ?? ''} (${e instanceof Error ? e.message : String(e)})` };
      try {
        db.prepare("UPDATE jobs SET status = 'interrupted', runner = NULL WHERE id = ?").run(id);
      } catch {
        // still no room: the row stays `running` and is recovered as interrupted after a restart
      }
    }
    core.events.emit('event', { type: 'job.finished', payload: event(id, outcome.status, outcome.progress, outcome.error) });
  }
}

/** Empty progress for a job of `fileCount` files. */
export function startProgress(fileCount: number): JobProgressDto {
  return { ...EMPTY_PROGRESS, fileCount };
}
