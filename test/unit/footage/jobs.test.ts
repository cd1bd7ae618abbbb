// The footage api around the jobs: who may import, the audit trail, progress events, source
// settings that later imports pick up, the job list, and a full store stopping a job cleanly.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobEventDto } from '../../../electron/api/types-footage';
import { harness, type Harness } from '../../support/core';
import { jobFinished, makeClip, PASS_B225RTK, tempDir } from './support';

describe('footage jobs through the api', () => {
  let h: Harness;
  let token: string;
  let clip: string;

  beforeAll(async () => {
    h = await harness();
    token = await h.member('analyst');
    clip = makeClip(join(tempDir(), 'short.mp4'), PASS_B225RTK, { creationTime: '2026-03-01T10:00:00Z' });
  });

  it('is refused to a role without reads.import, and audited as an import', async () => {
    const auditor = await h.member('auditor');
    const r = await h.raw(auditor, 'footage.import', { paths: [clip] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
    const job = await h.call(token, 'footage.import', { paths: [clip], source: { name: 'Unit 7' } });
    await jobFinished(h.core, job.id);
    const row = h.core.store.db.prepare("SELECT audit_class, outcome, detail FROM audit WHERE command = 'footage.import' AND outcome = 'ok'").get() as {
      audit_class: string;
      detail: string;
    };
    expect(row.audit_class).toBe('import');
    expect(row.detail).toContain(`footage job #${job.id}`);
  });

  it('stores source settings that later imports use, and lists jobs', async () => {
    const s = await h.call(token, 'sources.update', { name: 'Pole cam 3', kind: 'fixed', at: { lat: 37.77, lon: -122.42 }, clockOffsetSeconds: 252 });
    expect(s).toMatchObject({ name: 'Pole cam 3', kind: 'fixed', at: { lat: 37.77, lon: -122.42 }, clockOffsetSeconds: 252 });
    const clip2 = makeClip(join(tempDir(), 'pole.mp4'), PASS_B225RTK, { creationTime: '2026-03-01T10:04:12Z' });
    const events: JobEventDto[] = [];
    const on = (e: { type: string; payload: unknown }) => e.type === 'job.progress' && events.push(e.payload as JobEventDto);
    h.core.events.on('event', on);
    const job = await h.call(token, 'footage.import', { paths: [clip2], source: { name: 'Pole cam 3' } });
    expect(job.params.source).toMatchObject({ kind: 'fixed', at: { lat: 37.77, lon: -122.42 }, clockOffsetSeconds: 252 });
    const end = await jobFinished(h.core, job.id);
    h.core.events.off('event', on);
    expect(end).toMatchObject({ status: 'done', percent: 100, fileCount: 1, filesDone: 1 });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.jobId === job.id && e.percent >= 0 && e.percent <= 100)).toBe(true);
    const r = h.core.store.db.prepare('SELECT ts, lat, lon FROM reads WHERE import_id = ?').get((await h.call(token, 'jobs.get', { id: job.id })).files[0]!.importId) as {
      ts: number;
      lat: number;
    };
    // the camera runs 4 min 12 s fast: its 10:04:12 start is 10:00:00
    expect(r.ts).toBeGreaterThanOrEqual(Date.parse('2026-03-01T10:00:00Z'));
    expect(r.ts).toBeLessThan(Date.parse('2026-03-01T10:00:04Z'));
    expect(r.lat).toBe(37.77);
    const list = await h.call(token, 'jobs.list', {});
    expect(list[0]!.id).toBe(job.id);
    expect(list[0]!.createdBy).toMatch(/^analyst/);
  });

  it('stops cleanly with a clear message when the store is full', async () => {
    const db = h.core.store.db;
    const job = await h.call(token, 'footage.import', { paths: [makeClip(join(tempDir(), 'full.mp4'), PASS_B225RTK, { creationTime: '2026-03-02T10:00:00Z' })] });
    // No room for one more page, and every read needs some: a 64 KB blob rides along with each
    // one, so the first segment's reads cannot be written whatever free space the store's pages
    // have left (that depends on its layout, not on what this test is about).
    db.exec(`CREATE TABLE test_ballast (b BLOB);
      CREATE TEMP TRIGGER test_ballast_per_read AFTER INSERT ON main.reads BEGIN INSERT INTO test_ballast VALUES (zeroblob(65536)); END;`);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const end = await jobFinished(h.core, job.id);
    db.pragma('max_page_count = 1073741823');
    db.exec('DROP TRIGGER temp.test_ballast_per_read; DROP TABLE test_ballast;');
    expect(end.status).toBe('interrupted');
    expect(end.error).toMatch(/^Disk full while importing full\.mp4: .*free space and resume/);
    expect((await h.call(token, 'jobs.get', { id: job.id })).error).toMatch(/^Disk full/);
    expect(db.prepare('SELECT count(*) AS n FROM reads WHERE import_id = (SELECT import_id FROM job_files WHERE job_id = ?)').get(job.id)).toEqual({ n: 0 });
    // with room again it resumes and finishes
    await h.call(token, 'jobs.resume', { id: job.id });
    expect((await jobFinished(h.core, job.id)).status).toBe('done');
    expect(db.prepare('SELECT count(*) AS n FROM reads WHERE import_id = (SELECT import_id FROM job_files WHERE job_id = ?)').get(job.id)).toEqual({ n: 1 });
  });
});
