// Importing read exports (issue 2 §6): the canvass CSV, the Seattle week, custom mappings;
// bad rows reported by line; strict mode and failures leave the store as it was.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ACCESS, harness } from '../../support/core';
import { SEATTLE_WEEK } from '../../support/shared-data';

const SEATTLE = SEATTLE_WEEK();
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const count = (h: Awaited<ReturnType<typeof harness>>) =>
  (h.core.store.db.prepare('SELECT count(*) AS n FROM reads').get() as { n: number }).n;

const CANVASS_CSV = [
  'plate,timestamp,lat,lon,source,state,confidence,heading,color',
  '7ABC123,2026-02-01T21:15:00-08:00,34.0522,-118.2437,Cam 5th & Main,CA,0.93,180,silver',
  '7 AB-C124,2026-02-01T21:16:30Z,34.0523,-118.2436,Cam 5th & Main,ca,87,,',
  ',2026-02-01T21:17:00Z,34.05,-118.24,Cam 5th & Main,,,,',
  '8XYZ999,yesterday,34.05,-118.24,Cam 5th & Main,,,,',
  '8XYZ998,2026-02-01T21:18:00Z,134.05,-118.24,Cam 5th & Main,,,,',
  '8XYZ997,2026-02-01T21:19:00Z,NA,NA,Cam 5th & Main,,,,',
].join('\n');

describe('read import', () => {
  it('imports the canvass CSV, normalizes plates and times, and reports bad rows by line', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    const r = await h.call(t, 'reads.import', { format: 'canvass', fileName: 'scene.csv', contentBase64: b64(CANVASS_CSV) });
    expect(r).toMatchObject({ rowsRead: 6, rowsImported: 3, rowsRejected: 3 });
    expect(r.rejections).toEqual([
      { line: 4, reason: expect.stringMatching(/plate "" must have 1–10 letters or digits/) },
      { line: 5, reason: expect.stringMatching(/timestamp "yesterday" does not match ISO 8601/) },
      { line: 6, reason: expect.stringMatching(/lat "134.05" is not a latitude/) },
    ]);
    const page = await h.call(t, 'reads.search', { access: ACCESS, filter: {}, sort: { field: 'timestamp', dir: 'asc' } });
    expect(page.rows.map((x) => x.plate)).toEqual(['7ABC124', '8XYZ997', '7ABC123']);
    const first = page.rows.find((x) => x.plate === '7ABC123')!;
    expect(first).toMatchObject({ timestamp: '2026-02-02T05:15:00.000Z', state: 'CA', confidence: 0.93, heading: 180, color: 'silver', source: 'Cam 5th & Main' });
    expect(page.rows.find((x) => x.plate === '7ABC124')).toMatchObject({ state: 'CA', confidence: 0.87 });
    expect(page.rows.find((x) => x.plate === '8XYZ997')).toMatchObject({ lat: null, lon: null });
    const detail = await h.call(t, 'reads.get', { access: ACCESS, id: first.id });
    expect(detail.provenance).toEqual({ line: 2 });
  });

  it('in strict mode imports nothing when any row is bad', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    const r = await h.raw(t, 'reads.import', { format: 'canvass', fileName: 'scene.csv', contentBase64: b64(CANVASS_CSV), strict: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'import_failed', message: expect.stringMatching(/3 bad row\(s\), nothing imported.*line 4/) } });
    expect(count(h)).toBe(0);
    expect(h.core.store.db.prepare('SELECT count(*) AS n FROM imports').get()).toEqual({ n: 0 });
  });

  it('says which column is missing and imports nothing', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    const r = await h.raw(t, 'reads.import', { format: 'canvass', fileName: 'x.csv', contentBase64: b64('plate,time,lat,lon\nA1,2026-01-01T00:00:00Z,1,1') });
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/x\.csv: the header has no column "timestamp"/) } });
    const q = await h.raw(t, 'reads.import', { format: 'canvass', fileName: 'q.csv', contentBase64: b64('plate,timestamp,lat,lon\n"A1,2026-01-01T00:00:00Z,1,1\n') });
    expect(q).toMatchObject({ ok: false, error: { code: 'import_failed' } });
    expect(count(h)).toBe(0);
  });

  it('imports the real Seattle week with its ready mapping, hashes kept as given, and never twice', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    const bytes = readFileSync(SEATTLE);
    const r = await h.call(t, 'reads.import', { format: 'seattle', fileName: 'spd-alpr-pub.csv.gz', contentBase64: bytes.toString('base64') });
    expect(r).toMatchObject({ rowsRead: 93_490, rowsImported: 93_490, rowsRejected: 0, duplicateOf: null });
    const db = h.core.store.db;
    expect(db.prepare('SELECT count(*) AS n FROM reads WHERE plate_hashed = 1').get()).toEqual({ n: 93_490 });
    expect(db.prepare('SELECT count(*) AS n FROM reads WHERE lat IS NULL').get()).toEqual({ n: 24_705 });
    expect(db.prepare('SELECT count(*) AS n FROM sources').get()).toEqual({ n: 9 });
    // the first data row: 10/07/2021 - 16:30:51 Pacific daylight time = 23:30:51Z, hash kept as given
    // (found by its provenance line: what an auditor would cite)
    const one = db
      .prepare("SELECT plate, ts, lat, lon FROM reads WHERE provenance ->> '$.line' = 2")
      .get() as { plate: string; ts: number };
    expect(one).toMatchObject({ plate: '1ea44336207b9a32fbd46ced905e9bdc3dc7045e', lat: 47.8128394, lon: -122.2948006 });
    expect(new Date(one.ts).toISOString()).toBe('2021-10-07T23:30:51.000Z');
    const again = await h.call(t, 'reads.import', { format: 'seattle', fileName: 'copy.gz', contentBase64: bytes.toString('base64') });
    expect(again).toMatchObject({ duplicateOf: r.importId, rowsImported: 0 });
    expect(count(h)).toBe(93_490);
    // a hashed plate is searchable as given
    const hits = await h.call(t, 'reads.search', { access: ACCESS, filter: { plate: '1EA44336207B9A32FBD46CED905E9BDC3DC7045E' } });
    expect(hits.total).toBeGreaterThanOrEqual(1);
    expect(hits.rows[0]!.plateHashed).toBe(true);
  });

  it('imports any CSV with a saved column mapping', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    const csv = 'Tag;When;Y;X;Unit\nABC1234;2026-03-01 10:00:00;45.5;-122.6;Car 12\n';
    const mapping = {
      delimiter: ';', plate: 'Tag', timestamp: 'When', timestampFormat: 'yyyy-MM-dd HH:mm:ss', timeZone: 'America/Los_Angeles', lat: 'Y', lon: 'X', source: 'Unit',
    };
    const r = await h.call(t, 'reads.import', { format: 'csv', fileName: 'vendor.csv', contentBase64: b64(gzipSync(csv)), mapping, saveMappingAs: 'vendor-x' });
    expect(r.rowsImported).toBe(1);
    expect((await h.call(t, 'reads.mappings', {})).map((m) => m.name)).toEqual(['canvass', 'seattle', 'vendor-x']);
    const r2 = await h.call(t, 'reads.import', {
      format: 'csv', fileName: 'vendor2.csv', contentBase64: b64(csv.replace('ABC1234', 'ABC1235')), mappingName: 'vendor-x',
    });
    expect(r2.rowsImported).toBe(1);
    const page = await h.call(t, 'reads.search', { access: ACCESS, filter: { plate: 'ABC123?' } });
    expect(page.rows.map((x) => x.timestamp)).toEqual(['2026-03-01T18:00:00.000Z', '2026-03-01T18:00:00.000Z']);
  });

  it('filters reads by box, time, source and sorts', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    await h.call(t, 'reads.import', { format: 'seattle', fileName: 'spd.gz', contentBase64: readFileSync(SEATTLE).toString('base64') });
    const filter = { bbox: { south: 47.6, west: -122.35, north: 47.62, east: -122.3 }, from: '2021-10-03T00:00:00Z', to: '2021-10-04T00:00:00Z' };
    const page = await h.call(t, 'reads.search', { access: ACCESS, filter, sort: { field: 'timestamp', dir: 'asc' }, limit: 50 });
    expect(page.total).toBeGreaterThan(0);
    for (const r of page.rows) {
      expect(r.lat!).toBeGreaterThanOrEqual(47.6);
      expect(r.lon!).toBeLessThanOrEqual(-122.3);
      expect(r.timestamp >= '2021-10-03' && r.timestamp < '2021-10-04').toBe(true);
    }
    expect(page.rows.map((r) => r.timestamp)).toEqual([...page.rows.map((r) => r.timestamp)].sort());
    const pts = await h.call(t, 'reads.mapPoints', { access: ACCESS, filter });
    expect(pts.total).toBe(page.total);
    const sources = await h.call(t, 'reads.sources', {});
    const one = sources[0]!;
    const bySource = await h.call(t, 'reads.search', { access: ACCESS, filter: { sourceIds: [one.id] } });
    expect(bySource.total).toBe(one.reads);
  });

  it('raises watch alerts for imported reads that match a saved partial plate (R11)', async () => {
    const h = await harness();
    const t = await h.member('analyst');
    await h.call(t, 'watches.create', { access: ACCESS, pattern: '7AB*', description: 'silver sedan, burglary' });
    await h.call(t, 'reads.import', { format: 'canvass', fileName: 'scene.csv', contentBase64: b64(CANVASS_CSV) });
    const alerts = await h.call(t, 'watches.alerts', { access: ACCESS });
    expect(alerts.total).toBe(2); // 7ABC123 and 7ABC124; 8XYZ997 does not match
  });
});
