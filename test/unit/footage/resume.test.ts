// Jobs that end early: stopped (quit), killed (crash) or cancelled, then resumed or imported
// again. Whatever happens, every plate pass is a read exactly once and the frame count comes
// out as for an uninterrupted run. Checkpoints every second of video make the windows small.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestStop } from '../../../electron/core/jobs/queue';
import type { JobEventDto } from '../../../electron/api/types-footage';
import { harness, type Harness } from '../../support/core';
import { jobFinished, makeClip, PASS_B225RTK, PASS_B99BNX, tempDir } from './support';

process.env.CANVASS_FOOTAGE_CHECKPOINT_MS = '1000';

const FRAMES = [83, ...PASS_B99BNX, null, null, ...PASS_B225RTK];
const root = join(__dirname, '../../..');

function platesIn(db: Database.Database): string[] {
  return (db.prepare('SELECT plate FROM reads ORDER BY plate').all() as { plate: string }[]).map((r) => r.plate);
}

describe('stop, crash, cancel and resume', () => {
  let dir: string;
  let clip: string;
  let straight: { plates: string[]; frames: number };

  beforeAll(async () => {
    dir = tempDir();
    clip = makeClip(join(dir, 'drive.mp4'), FRAMES, { creationTime: '2026-03-01T10:00:00Z' });
    const h = await harness();
    const token = await h.member('analyst');
    const job = await h.call(token, 'footage.import', { paths: [clip] });
    const end = await jobFinished(h.core, job.id);
    straight = { plates: platesIn(h.core.store.db), frames: end.framesDone };
    expect(straight.plates).toContain('B99BNX');
  });

  async function stopAfter(h: Harness, token: string, frames: number, how: 'stop' | 'cancel') {
    const job = await h.call(token, 'footage.import', { paths: [clip] });
    let asked = false;
    const on = (e: { type: string; payload: unknown }) => {
      const p = e.payload as JobEventDto;
      if (!asked && e.type === 'job.progress' && p.jobId === job.id && p.framesDone >= frames) {
        asked = true;
        if (how === 'stop') requestStop(h.core.store.db, job.id);
        else void h.call(token, 'jobs.cancel', { id: job.id });
      }
    };
    h.core.events.on('event', on);
    const end = await jobFinished(h.core, job.id);
    h.core.events.off('event', on);
    return { job, end };
  }

  it('a stopped job resumes from its checkpoint without duplicates', async () => {
    const h = await harness();
    const token = await h.member('analyst');
    const { job, end } = await stopAfter(h, token, 8, 'stop');
    expect(end.status).toBe('interrupted');
    const mid = await h.call(token, 'jobs.get', { id: job.id });
    expect(mid.files[0]!.framesDone).toBeLessThan(straight.frames);
    const partial = platesIn(h.core.store.db);
    expect(partial.length).toBeLessThan(straight.plates.length);

    await h.call(token, 'jobs.resume', { id: job.id });
    const done = await jobFinished(h.core, job.id);
    expect(done.status).toBe('done');
    expect(platesIn(h.core.store.db)).toEqual(straight.plates);
    expect((await h.call(token, 'jobs.get', { id: job.id })).files[0]!.framesDone).toBe(straight.frames);
  });

  it('with states on for videos, every read of a stopped and resumed job says what the state step did', async () => {
    process.env.CANVASS_FOOTAGE_STATES = 'all';
    try {
      const h = await harness();
      const token = await h.member('analyst');
      const { job, end } = await stopAfter(h, token, 8, 'stop');
      expect(end.status).toBe('interrupted');
      await h.call(token, 'jobs.resume', { id: job.id });
      expect((await jobFinished(h.core, job.id)).status).toBe('done');
      const rows = h.core.store.db.prepare('SELECT plate, state, provenance FROM reads').all() as { plate: string; state: string | null; provenance: string }[];
      expect(rows.map((r) => r.plate).sort()).toEqual(straight.plates);
      for (const r of rows) {
        // passes carried over the stop have only their stored crop: it is read back, not skipped
        const st = JSON.parse(r.provenance).state as { code: string | null; model?: string; skipped?: string } | undefined;
        expect(st, r.plate).toBeDefined();
        expect(!!st!.model !== !!st!.skipped, JSON.stringify(st)).toBe(true);
        expect(st!.skipped ?? '').not.toMatch(/no plate crop|failed|unavailable/);
        expect(r.state).toBe(st!.code); // Romanian plates name no US state
      }
    } finally {
      delete process.env.CANVASS_FOOTAGE_STATES;
    }
  });

  it('a cancelled job keeps its reads, and importing the file again finishes it without duplicates', async () => {
    const h = await harness();
    const token = await h.member('analyst');
    const { job, end } = await stopAfter(h, token, 8, 'cancel');
    expect(end.status).toBe('cancelled');
    expect((await h.call(token, 'jobs.get', { id: job.id })).files[0]!.status).toBe('cancelled');
    await expect(h.call(token, 'jobs.resume', { id: job.id })).rejects.toThrow(/only an interrupted job/);
    const again = await h.call(token, 'footage.import', { paths: [clip] });
    expect((await jobFinished(h.core, again.id)).status).toBe('done');
    expect(platesIn(h.core.store.db)).toEqual(straight.plates);
  });

  it('a CLI import killed mid-file (crash) goes on when the same command is run again', async () => {
    const data = join(dir, 'data');
    const env = { ...process.env, CANVASS_PASSWORD: 'chief-pass-123', CANVASS_FOOTAGE_CHECKPOINT_MS: '1000' };
    const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/canvass.js'), ...args, '--data-dir', data], { env, encoding: 'utf8' });
    expect(cli(['init', '--admin', 'chief', '--agency', 'Test PD', '--ori', 'CA0190000', '--accept-policy', '--json']).status).toBe(0);
    expect(cli(['users', 'training', 'chief', '--course', 'ALPR', '--completed', '2026-06-01', '--user', 'chief', '--json']).status).toBe(0);

    const child = spawn(process.execPath, [join(root, 'bin/canvass.js'), 'import', clip, '--data-dir', data, '--user', 'chief', '--json'], { env, stdio: 'ignore' });
    const db = new Database(join(data, 'canvass.sqlite'), { readonly: true });
    const deadline = Date.now() + 60_000;
    // kill it hard as soon as a checkpoint holding open passes is on disk
    while (Date.now() < deadline) {
      const row = db.prepare("SELECT checkpoint FROM job_files WHERE checkpoint IS NOT NULL AND checkpoint LIKE '%\"key\"%'").get();
      if (row) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const killed = db.prepare('SELECT status FROM jobs').get() as { status: string };
    expect(killed.status).toBe('running'); // as the crash left it

    const rerun = cli(['import', clip, '--user', 'chief', '--json']);
    expect(rerun.status, rerun.stderr).toBe(0);
    const out = JSON.parse(rerun.stdout) as { status: string; framesDecoded: number };
    expect(out.status).toBe('done');
    expect(platesIn(db)).toEqual(straight.plates);
    const files = db.prepare('SELECT status FROM job_files ORDER BY id').all() as { status: string }[];
    expect(files.map((f) => f.status)).toEqual(['superseded', 'done']);
    expect((db.prepare("SELECT status FROM jobs WHERE id = 1").get() as { status: string }).status).toBe('interrupted');
    db.close();
  });
});
