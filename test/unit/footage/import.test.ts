// Footage import end to end through the api: real ffmpeg, real worker threads running the real
// recognition engine (models/*.onnx), a real in-memory store. Clips are made from consecutive
// dash-cam frames, so the facts asserted are the pipeline's: one read per plate pass, the
// read's time from the container clock with the clock correction, its place from the GPX
// track, its crop and frame in the media folder, and a re-import that adds nothing.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, harness, type Harness } from '../../support/core';
import { jobFinished, makeClip, makeCrossingClip, makeGpx, PASS_B225RTK, PASS_B99BNX, tempDir } from './support';

const START = '2026-03-01T10:00:00.000Z';
const FROM: [number, number] = [47.6, -122.33];
const TO: [number, number] = [47.61, -122.32];

describe('footage import', () => {
  let h: Harness;
  let token: string;
  let dir: string;
  let clip: string;
  let gpx: string;

  beforeAll(async () => {
    h = await harness();
    token = await h.member('analyst');
    dir = tempDir();
    clip = makeClip(join(dir, 'drive.mp4'), [83, ...PASS_B99BNX, null, null, ...PASS_B225RTK], { creationTime: START });
    gpx = makeGpx(join(dir, 'drive.gpx'), START, 30, FROM, TO);
  });

  it('finds one read per plate pass, timed by the container clock and placed by the track', async () => {
    const job = await h.call(token, 'footage.import', {
      paths: [clip],
      trackPath: gpx,
      source: { name: 'Unit 12 dash cam', clockOffsetSeconds: 2 },
    });
    expect(job.status).toBe('queued');
    const end = await jobFinished(h.core, job.id);
    expect(end.status, end.error ?? '').toBe('done');
    expect(end.framesDone).toBeGreaterThan(30);
    const page = await h.call(token, 'reads.search', { access: ACCESS, filter: {}, limit: 100 });
    const plates = page.rows.map((r) => r.plate);
    expect(plates.filter((p) => p === 'B99BNX')).toHaveLength(1);
    expect(plates.filter((p) => p === 'B225RTK')).toHaveLength(1);

    const id = page.rows.find((r) => r.plate === 'B225RTK')!.id;
    const read = await h.call(token, 'reads.get', { access: ACCESS, id });
    const prov = read.provenance as {
      sourceSha256: string;
      frames: { firstMs: number; bestMs: number; lastMs: number; observations: number };
      time: { original: string; corrected: string; clockOffsetSeconds: number; base: string };
      position: { source: string };
      models: Record<string, string>;
      box: { x: number; y: number; w: number; h: number };
      corners?: { x: number; y: number }[];
    };
    // the pass lies within the B225RTK frames: held 0.6 s each, after 5 plate frames and 2 black
    expect(prov.frames.firstMs).toBeGreaterThanOrEqual(7 * 600);
    expect(prov.frames.lastMs).toBeLessThan(12 * 600);
    expect(prov.frames.observations).toBeGreaterThan(3);
    expect(prov.time.base).toBe('container');
    expect(Date.parse(prov.time.original)).toBe(Date.parse(START) + prov.frames.bestMs);
    expect(Date.parse(prov.time.corrected)).toBe(Date.parse(START) + prov.frames.bestMs - 2000);
    expect(read.timestamp).toBe(new Date(Date.parse(prov.time.corrected)).toISOString());
    // place: linear along the GPX line at the corrected time
    const k = (Date.parse(prov.time.corrected) - Date.parse(START)) / 30_000;
    expect(read.lat).toBeCloseTo(FROM[0] + (TO[0] - FROM[0]) * k, 6);
    expect(read.lon).toBeCloseTo(FROM[1] + (TO[1] - FROM[1]) * k, 6);
    expect(prov.position.source).toBe('track');
    expect(read.cropRef).toMatch(/^[0-9a-f]{64}$/);
    expect(h.core.store.media.has(read.cropRef!)).toBe(true);
    expect(h.core.store.media.has(read.frameRef!)).toBe(true);
    expect(read.charConfidences).toHaveLength(7);
    expect(read.modelVersion).toMatch(/detector=.*reader=/);
    expect(prov.models).toHaveProperty('reader');
    expect(prov.models.reading).toBe('vote:0.04,0,0.1+trim0.8'); // how the boxes were read (crop vote, edge trim)
    // the plate's outline in the best frame (models/plate-corners.onnx), on the pass's best box
    expect(prov.models).toHaveProperty('corners');
    expect(prov.corners).toHaveLength(4);
    const [tl, tr, br, bl] = prov.corners!;
    const { x, y, w: bw, h: bh } = prov.box;
    expect(tl!.x).toBeLessThan(tr!.x);
    expect(bl!.y).toBeGreaterThan(tl!.y);
    expect(br!.y).toBeGreaterThan(tr!.y);
    for (const p of prov.corners!) {
      expect(p.x).toBeGreaterThan(x - 0.2 * bw);
      expect(p.x).toBeLessThan(x + 1.2 * bw);
      expect(p.y).toBeGreaterThan(y - 0.35 * bh);
      expect(p.y).toBeLessThan(y + 1.35 * bh);
    }
    expect(prov.sourceSha256).toMatch(/^[0-9a-f]{64}$/);

    const sources = await h.call(token, 'reads.sources', {});
    expect(sources.map((s) => s.name)).toContain('Unit 12 dash cam');
  });

  it('follows two cars crossing the frame as two passes, through the moment one hides the other', async () => {
    const cross = makeCrossingClip(join(dir, 'cross.mp4'), START);
    const job = await h.call(token, 'footage.import', { paths: [cross], source: { name: 'crossing' } });
    expect((await jobFinished(h.core, job.id)).status).toBe('done');
    const importId = (await h.call(token, 'jobs.get', { id: job.id })).files[0]!.importId;
    const rows = h.core.store.db.prepare('SELECT plate, provenance FROM reads WHERE import_id = ? ORDER BY plate').all(importId) as { plate: string; provenance: string }[];
    expect(rows.map((r) => r.plate)).toEqual(['B225RTK', 'B99BNX']);
    for (const r of rows) {
      const p = JSON.parse(r.provenance) as { frames: { firstMs: number; lastMs: number; observations: number }; box: { x: number } };
      expect(p.frames.firstMs).toBe(0);
      expect(p.frames.lastMs).toBeGreaterThan(3500);
      expect(p.frames.observations).toBeGreaterThan(12);
    }
    // the best box is where the car was at that moment: B225RTK moves right, B99BNX left
    const at = (plate: string) => JSON.parse(rows.find((r) => r.plate === plate)!.provenance) as { frames: { bestMs: number }; box: { x: number } };
    const a = at('B225RTK');
    expect(a.box.x).toBeGreaterThan(50 + (a.frames.bestMs / 1000) * 250);
    expect(a.box.x).toBeLessThan(50 + (a.frames.bestMs / 1000) * 250 + 300);
    const b = at('B99BNX');
    expect(b.box.x).toBeGreaterThan(1000 - (b.frames.bestMs / 1000) * 220);
    expect(b.box.x).toBeLessThan(1000 - (b.frames.bestMs / 1000) * 220 + 240);
  });

  it('adds nothing when the same file is imported again', async () => {
    const before = (await h.call(token, 'reads.search', { access: ACCESS, filter: {}, limit: 1 })).total;
    const job = await h.call(token, 'footage.import', { paths: [clip], trackPath: gpx, source: { name: 'Unit 12 dash cam' } });
    const end = await jobFinished(h.core, job.id);
    expect(end.status).toBe('done');
    const after = await h.call(token, 'jobs.get', { id: job.id });
    expect(after.files[0]!.status).toBe('duplicate');
    expect((await h.call(token, 'reads.search', { access: ACCESS, filter: {}, limit: 1 })).total).toBe(before);
  });
});
