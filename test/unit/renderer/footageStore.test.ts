// The footage page's job list: a job that fails before the import call has answered (a bad
// setting, an unreadable list) must show as failed, not stay "queued" because the call's older
// copy of it arrived last.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../../electron/api/types';
import type { JobDto } from '../../../electron/api/types-footage';
import { useFootageStore } from '../../../renderer/src/footage/store';

const scope = globalThis as { canvass?: unknown };

function job(status: JobDto['status']): JobDto {
  return {
    id: 7,
    kind: 'footage',
    status,
    createdAt: 0,
    startedAt: null,
    finishedAt: status === 'failed' ? 1 : null,
    createdBy: 'analyst',
    params: { paths: ['/clips/a.mp4'], source: {}, fps: 5, keyframes: true } as unknown as JobDto['params'],
    progress: { percent: 0, fileCount: 1, filesDone: 0, framesDone: 0, readsFound: 0, currentFile: null, elapsedSeconds: 0, etaSeconds: null } as unknown as JobDto['progress'],
    error: status === 'failed' ? 'CANVASS_FOOTAGE_STATES="x": expected all, photos or off' : null,
    files: [],
  };
}

afterEach(() => {
  delete scope.canvass;
  useFootageStore.setState({ jobs: [] });
});

describe('footage job list', () => {
  it('keeps a job the listener already saw finish when the import call answers after it', async () => {
    let emit: (e: { type: string; payload: unknown }) => void = () => undefined;
    scope.canvass = {
      shell: 'browser',
      on: (_name: string, fn: typeof emit) => {
        emit = fn;
        return () => undefined;
      },
      call: async (name: string): Promise<ApiResponse<unknown>> => {
        if (name === 'jobs.get') return { ok: true, result: job('failed') };
        if (name === 'footage.import') {
          // the job ends (and the listener fetches it) before the import call answers
          emit({ type: 'job.finished', payload: { jobId: 7, status: 'failed', error: 'x' } });
          await new Promise((r) => setTimeout(r, 10));
          return { ok: true, result: job('queued') };
        }
        throw new Error(`unexpected call ${name}`);
      },
    };
    const stop = useFootageStore.getState().listen();
    useFootageStore.getState().edit({ paths: '/clips/a.mp4' });
    await useFootageStore.getState().start();
    stop();
    const jobs = useFootageStore.getState().jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.status).toBe('failed');
  });
});
