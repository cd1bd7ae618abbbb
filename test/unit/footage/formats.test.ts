// Every input the footage import promises: H.264 in MP4, H.265 in MKV, MJPEG in AVI, photos
// with EXIF time and GPS, whole folders; and every way a file can be bad: truncated, corrupt,
// unsupported. Each bad file fails alone with a message naming it and saying why.
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { editDistance } from '../../../native/footage/text';
import { STATE_RULE } from '../../../native/recognition/state';
import { STATE_SYNTAX_RULE } from '../../../native/recognition/syntax';
import { ACCESS, harness, type Harness } from '../../support/core';
import sharp from 'sharp';
import { sharedDataDir } from '../../support/shared-data';
import { frame, jobFinished, makeClip, makePhoto, PASS_B225RTK, tempDir } from './support';

async function importAndWait(h: Harness, token: string, input: Parameters<Harness['call']>[2] & object) {
  const job = await h.call(token, 'footage.import', input as never);
  const end = await jobFinished(h.core, job.id);
  return { end, job: await h.call(token, 'jobs.get', { id: job.id }) };
}

describe('footage formats and failures', () => {
  let h: Harness;
  let token: string;
  let dir: string;

  beforeAll(async () => {
    h = await harness();
    token = await h.member('analyst');
    dir = tempDir();
  });

  const platesOf = async (importId: number | null) => {
    const page = await h.call(token, 'reads.search', { access: ACCESS, filter: {}, limit: 500 });
    const ids = new Set(
      (h.core.store.db.prepare('SELECT id FROM reads WHERE import_id = ?').all(importId) as { id: number }[]).map((r) => r.id),
    );
    return page.rows.filter((r) => ids.has(r.id)).map((r) => r.plate);
  };

  it('reads H.265 (MKV) and MJPEG (AVI) like H.264', async () => {
    const mkv = makeClip(join(dir, 'hevc.mkv'), PASS_B225RTK, { codec: 'hevc', creationTime: '2026-03-02T08:00:00Z' });
    const avi = makeClip(join(dir, 'mjpeg.avi'), PASS_B225RTK, { codec: 'mjpeg', width: 960 });
    const { end, job } = await importAndWait(h, token, { paths: [mkv, avi], source: { name: 'formats' }, startTime: undefined });
    expect(end.status, end.error ?? '').toBe('done');
    for (const f of job.files) {
      expect(f.status).toBe('done');
      // one pass, one read; the reader may confuse T and I on a frame or two (not ours to test)
      const plates = await platesOf(f.importId);
      expect(plates).toHaveLength(1);
      expect(editDistance(plates[0]!, 'B225RTK')).toBeLessThanOrEqual(1);
    }
    // MJPEG is all key frames: sampling still takes 5 of its 10 frames a second, not all
    expect(job.files[1]!.framesDone).toBeLessThanOrEqual(16);
    // AVI has no creation time: the file's modification time, less its length, stands in
    const aviMeta = JSON.parse(
      (h.core.store.db.prepare('SELECT meta FROM job_files WHERE id = ?').get(job.files[1]!.id) as { meta: string }).meta,
    ) as { time: { source: string; startMs: number } };
    expect(aviMeta.time.source).toBe('file-mtime');
    expect(aviMeta.time.startMs).toBe(Math.round(statSync(avi).mtimeMs) - 3000);
  });

  it('reads photos with EXIF time in the source time zone and EXIF GPS, from a folder', async () => {
    const folder = join(dir, 'photos');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    await makePhoto(join(folder, 'a.jpg'), 342, '2026:03:03 09:15:00', { lat: 34.05, lon: -118.25 });
    await makePhoto(join(folder, 'sub', 'b.jpg'), 86, '2026:03:03 09:16:30');
    writeFileSync(join(folder, 'notes.txt'), 'not footage');
    const { end, job } = await importAndWait(h, token, { paths: [folder], source: { name: 'phone', timeZone: 'America/Los_Angeles' } });
    expect(end.status, end.error ?? '').toBe('done');
    expect(job.files.map((f) => f.name)).toEqual(['a.jpg', 'b.jpg']); // notes.txt is not footage
    const rows = h.core.store.db.prepare('SELECT plate, ts, lat, lon, provenance FROM reads WHERE source_id = (SELECT id FROM sources WHERE name = ?) ORDER BY ts').all('phone') as {
      plate: string;
      ts: number;
      lat: number | null;
      lon: number | null;
      provenance: string;
    }[];
    expect(rows.map((r) => r.plate)).toEqual(['B225RTK', 'B99BNX']);
    // 09:15 in Los Angeles (PST, UTC-8) is 17:15 UTC
    expect(new Date(rows[0]!.ts).toISOString()).toBe('2026-03-03T17:15:00.000Z');
    expect(rows[0]!.lat).toBeCloseTo(34.05, 4);
    expect(rows[0]!.lon).toBeCloseTo(-118.25, 4);
    expect(JSON.parse(rows[0]!.provenance)).toMatchObject({ mediaKind: 'photo', time: { base: 'exif' }, position: { source: 'exif' } });
    expect(rows[1]!.lat).toBeNull();
  });

  it('reads the state printed on a US plate into the read and its provenance, none on a Romanian one', async () => {
    const folder = join(dir, 'states');
    mkdirSync(folder);
    // a real California plate (us-plate-crops, tuning half) on a dash-cam frame, and a frame with B225RTK
    await sharp(frame(200))
      .composite([{ input: join(sharedDataDir(), 'us-plate-crops', 'images', 'ca359.jpg'), left: 480, top: 380 }])
      .jpeg({ quality: 92 })
      .toFile(join(folder, 'us.jpg'));
    // Arkansas prints O and 0 alike: the reader writes 3550CT, the state's 123 ABC format makes it 355OCT
    // (a held-out crop: a test fixture here, never a model choice)
    await sharp(frame(200))
      .composite([{ input: join(sharedDataDir(), 'us-plate-crops', 'images', 'ar1308.jpg'), left: 480, top: 380 }])
      .jpeg({ quality: 92 })
      .toFile(join(folder, 'ar.jpg'));
    await makePhoto(join(folder, 'ro.jpg'), 342, '2026:03:05 10:00:00');
    const { end } = await importAndWait(h, token, { paths: [folder], source: { name: 'states' } });
    expect(end.status, end.error ?? '').toBe('done');
    const rows = h.core.store.db
      .prepare("SELECT plate, state, provenance FROM reads WHERE source_id = (SELECT id FROM sources WHERE name = 'states') ORDER BY plate")
      .all() as { plate: string; state: string | null; provenance: string }[];
    const us = rows.find((r) => r.plate === '6DZG261');
    expect(us, JSON.stringify(rows.map((r) => r.plate))).toBeDefined();
    expect(us!.state).toBe('CA');
    const prov = JSON.parse(us!.provenance) as { state: { code: string; matched: string; line: string; model: string; rule: number }; models: Record<string, string> };
    expect(prov.state).toMatchObject({ code: 'CA', matched: 'CALIFORNIA', line: 'top', rule: STATE_RULE });
    expect(prov.state.model).toMatch(/^ppocr-v4-rec@1\.4\.2\+06b3e6af$/);
    expect(prov.models).not.toHaveProperty('state'); // the file's models are the plate engine's
    expect(prov).not.toHaveProperty('stateSyntax'); // 6DZG261 fits California's 1ABC234 as read
    const ar = h.core.store.db.prepare("SELECT plate, plate_raw, state, alternatives, provenance FROM reads WHERE plate = '355OCT'").get() as
      | { plate: string; plate_raw: string; state: string; alternatives: string; provenance: string }
      | undefined;
    expect(ar, JSON.stringify(rows.map((r) => r.plate))).toBeDefined();
    expect(ar!.state).toBe('AR');
    expect(ar!.plate_raw).toBe('3550CT'); // what the reader wrote stays with the read
    expect(JSON.parse(ar!.provenance).stateSyntax).toEqual({ read: '3550CT', text: '355OCT', rule: STATE_SYNTAX_RULE });
    expect((JSON.parse(ar!.alternatives) as { text: string }[])[0]!.text).toBe('355OCT');
    const ro = rows.find((r) => editDistance(r.plate, 'B225RTK') <= 1);
    expect(ro).toBeDefined();
    expect(ro!.state).toBeNull();
    // either the reader looked and named nothing, or the plate was too small to look: it says which
    const roState = JSON.parse(ro!.provenance).state as { code: null; model?: string; skipped?: string };
    expect(roState.code).toBeNull();
    expect(!!roState.model !== !!roState.skipped).toBe(true);
  });

  it('reads states in a video only when the import asks (readStates), and says so per read', async () => {
    const asked = makeClip(join(dir, 'states-on.mp4'), PASS_B225RTK, { creationTime: '2026-03-06T08:00:00Z' });
    const plain = makeClip(join(dir, 'states-default.mp4'), PASS_B225RTK, { creationTime: '2026-03-06T09:00:00Z' });
    const on = await importAndWait(h, token, { paths: [asked], source: { name: 'states-on' }, readStates: true });
    const off = await importAndWait(h, token, { paths: [plain], source: { name: 'states-default' } });
    expect(on.end.status, on.end.error ?? '').toBe('done');
    expect(off.end.status, off.end.error ?? '').toBe('done');
    expect(on.job.params.readStates).toBe(true);
    const provOf = (name: string) =>
      (h.core.store.db.prepare('SELECT provenance FROM reads WHERE source_id = (SELECT id FROM sources WHERE name = ?)').all(name) as { provenance: string }[]).map(
        (r) => JSON.parse(r.provenance) as { state?: { code: string | null; model?: string; skipped?: string } },
      );
    const withStates = provOf('states-on');
    expect(withStates.length).toBeGreaterThan(0);
    for (const p of withStates) expect(p.state && !!p.state.model !== !!p.state.skipped, JSON.stringify(p.state)).toBe(true);
    const without = provOf('states-default');
    expect(without.length).toBeGreaterThan(0);
    for (const p of without) expect(p.state).toBeUndefined();
    await expect(h.call(token, 'footage.import', { paths: [plain], readStates: 'yes' } as never)).rejects.toThrow(/readStates/);
  });

  it('fails a job at once, naming the variable, when CANVASS_FOOTAGE_STATES is not all, photos or off', async () => {
    const folder = join(dir, 'bad-states');
    mkdirSync(folder);
    await makePhoto(join(folder, 'p.jpg'), 86, '2026:03:05 11:00:00');
    process.env.CANVASS_FOOTAGE_STATES = 'sometimes';
    try {
      // the job fails before its first await, maybe before the import call returns: jobFinished
      // then finds it finished in the store
      const job = await h.call(token, 'footage.import', { paths: [folder], source: { name: 'bad-states' } });
      const end = await jobFinished(h.core, job.id);
      expect(end.jobId).toBe(job.id);
      expect(end.status).toBe('failed');
      expect(end.error).toMatch(/CANVASS_FOOTAGE_STATES="sometimes": expected all, photos or off/);
    } finally {
      delete process.env.CANVASS_FOOTAGE_STATES;
    }
  });

  it('recognises a folder of photos in parallel, a broken one failing alone', async () => {
    const folder = join(dir, 'burst');
    mkdirSync(folder);
    for (const t of [341, 342, 343, 85, 86]) await makePhoto(join(folder, `p${t}.jpg`), t, '2026:03:03 10:00:00');
    writeFileSync(join(folder, 'p999.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 1)]));
    const { end, job } = await importAndWait(h, token, { paths: [folder], source: { name: 'burst' } });
    expect(end.status).toBe('failed');
    const broken = job.files.find((f) => f.name === 'p999.jpg')!;
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/^p999\.jpg: not a readable photo/);
    expect(job.files.filter((f) => f.status === 'done')).toHaveLength(5);
    const plates = (h.core.store.db.prepare("SELECT plate FROM reads WHERE source_id = (SELECT id FROM sources WHERE name = 'burst')").all() as { plate: string }[]).map((r) => r.plate);
    expect(plates.filter((p) => editDistance(p, 'B225RTK') <= 1)).toHaveLength(3);
    expect(plates.filter((p) => p === 'B99BNX')).toHaveLength(2);
  });

  it('keeps the reads of a cut-off photo and fails it by name, as a cut-off video', async () => {
    const folder = join(dir, 'cutphoto');
    mkdirSync(folder);
    const whole = readFileSync(await makePhoto(join(dir, 'p343-whole.jpg'), 343, '2026:03:03 10:05:00'));
    writeFileSync(join(folder, 'p343.jpg'), whole.subarray(0, Math.floor(whole.length * 0.97))); // the last rows are lost
    const { end, job } = await importAndWait(h, token, { paths: [folder], source: { name: 'cut photo' } });
    expect(end.status).toBe('failed');
    expect(job.files[0]!.status).toBe('failed');
    expect(job.files[0]!.error).toMatch(/^p343\.jpg: damaged photo \(.*premature end of JPEG.*\): read as far as it decodes; reads from the readable part were kept$/i);
    const readsOf = () => (h.core.store.db.prepare("SELECT plate FROM reads WHERE source_id = (SELECT id FROM sources WHERE name = 'cut photo')").all() as { plate: string }[]).map((r) => r.plate);
    expect(readsOf().filter((p) => editDistance(p, 'B225RTK') <= 1)).toHaveLength(1);
    // the import and the file say what happened, with the read counted
    const imp = h.core.store.db.prepare('SELECT status, rows_imported FROM imports WHERE id = ?').get(job.files[0]!.importId) as { status: string; rows_imported: number };
    expect(imp).toEqual({ status: 'failed', rows_imported: readsOf().length });
    expect(job.files[0]!.readsFound).toBe(readsOf().length);
    // importing the same file again takes over that import and adds no read twice
    const again = await importAndWait(h, token, { paths: [folder], source: { name: 'cut photo' } });
    expect(again.job.files[0]!.error).toMatch(/damaged photo/);
    expect(readsOf()).toHaveLength(imp.rows_imported);
  });

  it('a fixed camera position puts every read there', async () => {
    const clip = makeClip(join(dir, 'fixed.mp4'), PASS_B225RTK, { creationTime: '2026-03-04T12:00:00Z' });
    const { end, job } = await importAndWait(h, token, { paths: [clip], source: { name: 'Main St camera', at: { lat: 40.7, lon: -74.0 } } });
    expect(end.status).toBe('done');
    const r = h.core.store.db.prepare('SELECT lat, lon FROM reads WHERE import_id = ?').get(job.files[0]!.importId) as { lat: number; lon: number };
    expect(r).toEqual({ lat: 40.7, lon: -74.0 });
    const src = await h.call(token, 'reads.sources', {});
    expect(src.find((s) => s.name === 'Main St camera')?.kind).toBe('fixed');
  });

  it('fails a truncated, a corrupt and an unsupported file, each by name, and imports the good one', async () => {
    const good = makeClip(join(dir, 'good.mp4'), PASS_B225RTK, { creationTime: '2026-03-05T12:00:00Z' });
    const whole = readFileSync(makeClip(join(dir, 'whole.mp4'), [342, 343], { creationTime: '2026-03-05T12:00:00Z' }));
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const junk = join(dir, 'junk.mov');
    writeFileSync(junk, Buffer.alloc(5000, 7));
    const doc = join(dir, 'report.pdf');
    copyFileSync(good, doc);
    const { end, job } = await importAndWait(h, token, { paths: [cut, junk, doc, good], source: { name: 'mixed' } });
    expect(end.status).toBe('failed');
    const byName = Object.fromEntries(job.files.map((f) => [f.name, f]));
    expect(byName['cut.mp4']!.status).toBe('failed');
    expect(byName['cut.mp4']!.error).toMatch(/^cut\.mp4: .*truncated/);
    expect(byName['junk.mov']!.status).toBe('failed');
    expect(byName['junk.mov']!.error).toMatch(/^junk\.mov: /);
    expect(byName['report.pdf']!.error).toMatch(/^report\.pdf: unsupported file type/);
    expect(byName['good.mp4']!.status).toBe('done');
    expect(end.error).toContain('cut.mp4');
    expect(await platesOf(byName['good.mp4']!.importId)).toEqual(['B225RTK']);
  });

  it('a cut-off MJPEG AVI keeps the reads before the damage and says where it stops', async () => {
    const avi = makeClip(join(dir, 'long.avi'), [...PASS_B225RTK, null, null, null, null, null], { codec: 'mjpeg', width: 640 });
    const bytes = readFileSync(avi);
    const cut = join(dir, 'cut.avi');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.3)));
    const { job } = await importAndWait(h, token, { paths: [cut], source: { name: 'cut avi' }, startTime: '2026-03-06T00:00:00Z' });
    expect(job.files[0]!.status).toBe('failed');
    expect(job.files[0]!.error).toMatch(/^cut\.avi: truncated or corrupt: frames stop at/);
  });

  it('refuses a missing path and a broken track before queueing anything', async () => {
    await expect(h.call(token, 'footage.import', { paths: [join(dir, 'nope.mp4')] })).rejects.toThrow(/nope\.mp4: no such file/);
    const gpx = join(dir, 'bad.gpx');
    writeFileSync(gpx, '<gpx><trk><trkseg></trkseg></trk></gpx>');
    const clip = join(dir, 'good.mp4');
    await expect(h.call(token, 'footage.import', { paths: [clip], trackPath: gpx })).rejects.toThrow(/bad\.gpx: no usable time-stamped positions/);
    await expect(h.call(token, 'footage.import', { paths: [clip], trackPath: gpx, source: { at: { lat: 1, lon: 1 } } })).rejects.toThrow(/not both/);
  });
});
