// The canvass through the real dispatcher on a fresh in-memory store: ranking with reasons,
// scenes, analyses, watches, cases, the index kept in step by insertReads, and R1/R3: no
// purpose or case, no data; the audit record holds the pattern and the area.
import { beforeEach, describe, expect, it } from 'vitest';
import { checkWatches } from '../../../electron/core/canvass/watches';
import { MAX_MATCHED } from '../../../electron/core/canvass/search';
import { candidatePlates, code, decodeCodes, plateRows, textOf } from '../../../electron/core/canvass/plate-index';
import { ERA_MS, eraOf, erasIn } from '../../../electron/core/reads/era';
import { matches, parsePattern } from '../../../electron/core/canvass/pattern';
import { rng } from '../../../bench/canvass/synth';
import { insertReads, type NewRead } from '../../../electron/core/reads/store';
import { CELL_SQL, latestVersion, migrate, migrations } from '../../../electron/core/store/migrations';
import { bboxOf, cellOf, cellsCovering } from '../../../electron/core/canvass/geo';
import { readsInScene } from '../../../electron/core/canvass/reads';
import { bucketOf } from '../../../electron/core/reads/places';
import { bulkPlateIndex } from '../../../bench/canvass/build';
import { ACCESS, harness, T0, type Harness } from '../../support/core';

const H = 3_600_000;
const SCENE = { lat: 47.6097, lon: -122.3331 }; // downtown Seattle
const FAR = { lat: 47.7, lon: -122.2 };

function read(
  plate: string,
  dt: number,
  at: { lat: number; lon: number },
  extra: Partial<NewRead> = {},
): NewRead {
  return {
    plate,
    ts: T0 + dt,
    lat: at.lat,
    lon: at.lon,
    source: 'CAR-1',
    confidence: 0.9,
    color: 'blue',
    state: 'WA',
    ...extra,
  };
}

let h: Harness;
let token: string;
/** Every (pair key, text) the postings hold, sorted: what a posting layout must agree on. */
function postingPairs(db: Harness['core']['store']['db']): [number, string][] {
  const out: [number, string][] = [];
  for (const [key, n, codes] of db.prepare('SELECT key, n, codes FROM canvass_postings').raw().all() as [number, number, Uint8Array][]) {
    const list = decodeCodes(codes);
    expect(list.length).toBe(n);
    for (const c of list) out.push([key, textOf(c)]);
  }
  return out.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

const add = (reads: NewRead[]) =>
  h.core.store.db.transaction(() => insertReads(h.core.store.db, h.clock, reads, null))();

beforeEach(async () => {
  h = await harness();
  token = await h.member('analyst');
  add([
    read('7ABC123', 0, SCENE, { charConfidences: [0.99, 0.98, 0.97, 0.99, 0.99, 0.99, 0.99] }),
    read('7ABC123', 2 * H, FAR),
    read('7ABD999', 30 * 60_000, { lat: SCENE.lat + 0.005, lon: SCENE.lon }),
    read('7A8C123', -H, SCENE, {
      charConfidences: [0.99, 0.98, 0.41, 0.99, 0.99, 0.99, 0.99],
      alternatives: [{ text: '7ABC123', confidence: 0.35 }],
    }),
    read('ABC1234', 0, SCENE),
    read('XYZ9876', 0, FAR, { color: 'red' }),
  ]);
});

describe('canvass.search', () => {
  it('finds a partial plate in a circle and time window, best first, with reasons', async () => {
    const r = await h.call(token, 'canvass.search', {
      access: ACCESS,
      pattern: '7AB*',
      area: { kind: 'circle', ...SCENE, radiusM: 1000 },
      from: new Date(T0 - 3 * H).toISOString(),
      to: new Date(T0 + 3 * H).toISOString(),
    });
    expect(r.results.map((x) => x.plate)).toEqual(['7ABC123', '7ABD999']);
    expect(r.results[0]!.reads).toHaveLength(1); // the read far away is outside the circle
    expect(r.results[0]!.reasons[0]).toBe('plate 7ABC123 matches 7AB* exactly');
    expect(r.results[0]!.reasons.join(' ')).toMatch(/closest read 0 m from the centre of scene 1/);
    expect(r.results[0]!.score).toBeGreaterThan(r.results[1]!.score);
  });

  it('tolerant mode finds look-alikes and alternatives, and says why', async () => {
    const exact = await h.call(token, 'canvass.search', { access: ACCESS, pattern: '7ABC123' });
    expect(exact.results.map((x) => x.plate)).toEqual(['7ABC123']);
    const tol = await h.call(token, 'canvass.search', { access: ACCESS, pattern: '7ABC123', tolerant: true });
    const misread = tol.results.find((x) => x.plate === '7A8C123')!;
    expect(misread).toBeDefined();
    // the low confidence on char 3 makes the look-alike more plausible than the stored alternative
    expect(misread.reasons[0]).toBe('char 3 read 8 at 0.41 — could be B');
    expect(misread.reads[0]!.via).toBe('tolerant');
    expect(tol.results[0]!.plate).toBe('7ABC123');
  });

  it('stops a pattern that matches every text at MAX_MATCHED plates, reading no further (tolerant 7*)', async () => {
    const r = rng(11);
    const many = new Set<string>();
    while (many.size < MAX_MATCHED + 300) {
      many.add(Array.from({ length: 6 }, () => '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'[Math.floor(r() * 33)]).join(''));
    }
    add([...many].map((p, i) => read(p, i * 1000, SCENE)));
    const total = (h.core.store.db.prepare('SELECT count(DISTINCT code) FROM canvass_codes').pluck().get() as number);
    const res = await h.call(token, 'canvass.search', { access: ACCESS, pattern: '7*', tolerant: true, limit: 10 });
    expect(res.plan.scanned).toBe(true);
    expect(res.plan.truncated).toBe(true);
    // every text matches (the one known character may have been missed), so the scan stops
    // one past the cut instead of reading all the texts
    expect(res.plan.candidates).toBe(MAX_MATCHED + 1);
    expect(total).toBeGreaterThan(MAX_MATCHED + 1);
    expect(res.results).toHaveLength(10);
    // the ranking saw only plates of the cut (text order: the scan keeps the first ones)
    const cut = [...many].sort().slice(0, MAX_MATCHED);
    for (const x of res.results) expect(x.plate <= cut[cut.length - 1]!).toBe(true);
  });

  it('finds a hashed plate (public-records data) by its whole hash only', async () => {
    const hash = '1ea44336207b9a32fbd46ced905e9bdc3dc7045e';
    add([read(hash, 0, SCENE, { plateHashed: true })]);
    const r = await h.call(token, 'canvass.search', {
      access: ACCESS,
      pattern: hash.toUpperCase(),
      tolerant: true,
    });
    expect(r.results.map((x) => x.plate)).toEqual([hash]);
    expect(r.tolerant).toBe(false);
  });

  it('filters by colour and several scenes at once', async () => {
    const r = await h.call(token, 'canvass.search', {
      access: ACCESS,
      pattern: '*',
      color: 'red',
      scenes: [
        { area: { kind: 'circle', ...SCENE, radiusM: 500 } },
        {
          area: {
            kind: 'polygon',
            points: [
              [FAR.lat - 0.01, FAR.lon - 0.01],
              [FAR.lat + 0.01, FAR.lon - 0.01],
              [FAR.lat, FAR.lon + 0.01],
            ],
          },
        },
      ],
    });
    expect(r.results.map((x) => x.plate)).toEqual(['XYZ9876']);
    expect(r.results[0]!.scenes).toEqual([1]);
  });

  it('a state or colour filter leaves out reads whose state or colour was never read, unless asked (includeUnread)', async () => {
    // a video read: no state, no colour (footage reads have state only where it was read)
    add([read('7ABX555', 10 * 60_000, SCENE, { state: null, color: null }), read('7ABY666', 12 * 60_000, SCENE, { state: 'OR' })]);
    const base = { access: ACCESS, pattern: '7AB*', area: { kind: 'circle' as const, ...SCENE, radiusM: 1000 } };
    const strict = await h.call(token, 'canvass.search', { ...base, state: 'wa' });
    expect(strict.results.map((x) => x.plate).sort()).toEqual(['7ABC123', '7ABD999']);
    const loose = await h.call(token, 'canvass.search', { ...base, state: 'wa', includeUnread: true });
    expect(loose.results.map((x) => x.plate).sort()).toEqual(['7ABC123', '7ABD999', '7ABX555']); // never 7ABY666 (OR)
    const unread = loose.results.find((x) => x.plate === '7ABX555')!;
    expect(unread.reads[0]!.state).toBeNull();
    const colour = await h.call(token, 'canvass.search', { ...base, color: 'blue', includeUnread: true });
    expect(colour.results.map((x) => x.plate).sort()).toEqual(['7ABC123', '7ABD999', '7ABX555', '7ABY666']);
    await expect(h.call(token, 'canvass.search', { ...base, includeUnread: 'yes' } as never)).rejects.toThrow(/includeUnread/);
  });

  it('refuses a search without purpose or case (R1) and a bad pattern with its position', async () => {
    const noAccess = await h.raw(token, 'canvass.search', { pattern: '7AB*' });
    expect(noAccess.ok).toBe(false);
    const noCase = await h.raw(token, 'canvass.search', {
      access: { purpose: ACCESS.purpose, caseNumber: '' },
      pattern: '7AB*',
    });
    expect(noCase.ok).toBe(false);
    const bad = await h.raw(token, 'canvass.search', { access: ACCESS, pattern: '7A%*' });
    expect(bad.ok || bad.error.details).toEqual({ field: 'pattern', position: 3 });
  });

  it('writes the pattern, area, purpose and case into the audit record (R3)', async () => {
    const area = { kind: 'circle' as const, ...SCENE, radiusM: 750 };
    await h.call(token, 'canvass.search', { access: ACCESS, pattern: '7AB*', area });
    const log = await h.call(h.adminToken, 'audit.list', { command: 'canvass.search' });
    const rec = log.records[0]!;
    expect(rec.purpose).toBe(ACCESS.purpose);
    expect(rec.caseNumber).toBe(ACCESS.caseNumber);
    expect(rec.outcome).toBe('ok');
    expect(rec.resultCount).toBe(2);
    const q = JSON.parse(rec.query!);
    expect(q.pattern).toBe('7AB*');
    expect(q.area).toEqual(area);
  });
});

describe('plate index', () => {
  it('is kept in step by insertReads and finds prefix, suffix and middle patterns', () => {
    const db = h.core.store.db;
    const n = (
      db.prepare('SELECT count(*) AS n FROM canvass_codes WHERE code = ?').get(code('7ABC123')) as { n: number }
    ).n;
    expect(n).toBe(1); // once, though read twice
    const grams = (db.prepare('SELECT sum(n) AS n FROM canvass_postings').get() as { n: number }).n;
    expect(grams).toBe(5 * 6); // five distinct texts of seven characters: six pairs each
    // the candidates are a superset the search checks against the pattern: these are the plates it finds
    // (an end-anchored pattern's pair lists also hold texts with its pairs at another length's offsets)
    const texts = (p: string) => {
      const parsed = parsePattern(p);
      return candidatePlates(db, parsed, false).texts.filter((t) => matches(parsed, t)).sort();
    };
    expect(texts('7AB*')).toEqual(['7ABC123', '7ABD999']);
    expect(texts('*123')).toEqual(['7A8C123', '7ABC123']);
    expect(texts('?BC1??4')).toContain('ABC1234');
    expect(texts('*C12*')).toEqual(expect.arrayContaining(['7ABC123', '7A8C123']));
    // a text first seen in a later batch is added then; an old text is not added again
    add([read('7ABC123', 9 * H, SCENE), read('NEW4567', 9 * H, SCENE)]);
    expect((db.prepare('SELECT count(*) AS n FROM canvass_codes').get() as { n: number }).n).toBe(6);
    expect(texts('*4567')).toEqual(['NEW4567']);
  });

  it('cuts the index by era: a text read in two eras has a row in each, found once', () => {
    const db = h.core.store.db;
    const later = ERA_MS * 1.5; // a read ~74 days after the others, in the next era or the one after
    add([read('7ABC123', later, SCENE), read('LATE999', later, SCENE)]);
    const rows = db.prepare('SELECT era FROM canvass_codes WHERE code = ? ORDER BY era').pluck().all(code('7ABC123'));
    expect(rows).toEqual([eraOf(T0), eraOf(T0 + later)]);
    expect(candidatePlates(db, parsePattern('7AB*'), false).texts.sort()).toEqual(['7ABC123', '7ABD999']);
    const endAnchored = parsePattern('*C12?');
    const found = candidatePlates(db, endAnchored, false).texts.filter((t) => matches(endAnchored, t));
    expect(found.sort()).toEqual(['7A8C123', '7ABC123']);
    expect(plateRows(db, ['7ABC123', 'LATE999'])).toEqual([
      { text: '7ABC123', reads: 3, first_ts: T0, last_ts: T0 + later },
      { text: 'LATE999', reads: 1, first_ts: T0 + later, last_ts: T0 + later },
    ]);
    // every plate lookup seeks the era-led index, never scans the reads
    const plan = (sql: string, ...a: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...a) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(
      plan(
        'SELECT count(*) FROM reads WHERE era IN (SELECT value FROM json_each(?)) AND plate IN (SELECT value FROM json_each(?)) GROUP BY plate',
        '[1]',
        '["A"]',
      ),
    ).toMatch(/USING (COVERING )?INDEX reads_plate \(era=\? AND plate=\?\)/);
    // a prefix is a range of codes, sought in the primary key era by era
    expect(
      plan(
        'SELECT code FROM canvass_codes WHERE era IN (SELECT value FROM json_each(?)) AND code >= ? AND code < ?',
        '[1]',
        1,
        2,
      ),
    ).toMatch(/canvass_codes USING PRIMARY KEY \(era=\? AND code>\? AND code<\?\)/);
  });

  it('lists the eras of a window, and only eras holding reads when a bad clock spreads them over centuries', () => {
    const db = h.core.store.db;
    expect(erasIn(db, T0 - ERA_MS, T0 + 1)).toEqual([eraOf(T0 - H)]); // the fixture's reads span one era
    const far = Date.parse('2500-01-01T00:00:00Z');
    add([read('FUTURE1', far - T0, SCENE), read('PAST123', Date.parse('1969-12-01T00:00:00Z') - T0, SCENE)]);
    expect(erasIn(db, -Infinity, Infinity)).toEqual([0, eraOf(T0), eraOf(far)]);
    expect(erasIn(db, T0, Infinity)).toEqual([eraOf(T0), eraOf(far)]);
    expect(plateRows(db, ['FUTURE1', 'PAST123']).map((r) => r.text)).toEqual(['FUTURE1', 'PAST123']);
  });

  it('finds every stored text a pattern matches, whatever the era (property)', () => {
    const db = h.core.store.db;
    const r = rng(7);
    const abc = 'ABCDEFGH0123456789';
    const plates = Array.from({ length: 400 }, () => {
      const n = 5 + Math.floor(r() * 4);
      return Array.from({ length: n }, () => abc[Math.floor(r() * abc.length)]).join('');
    });
    add(plates.map((p, i) => read(p, (i % 3) * ERA_MS + i * 1000, SCENE)));
    const stored = [...new Set(plates)];
    for (let k = 0; k < 60; k++) {
      const p = plates[Math.floor(r() * plates.length)]!;
      const i = Math.floor(r() * (p.length - 2));
      const pattern = [`${p.slice(0, 3)}*`, `*${p.slice(-3)}`, `*${p.slice(i, i + 3)}*`, `${p.slice(0, 2)}?${p.slice(3)}`][k % 4]!;
      const parsed = parsePattern(pattern);
      const want = stored.filter((t) => matches(parsed, t)).sort();
      const got = candidatePlates(db, parsed, false).texts.filter((t) => matches(parsed, t)).sort();
      expect(got, pattern).toEqual(want);
    }
  });
});

describe('analyses', () => {
  it('common link, convoy, frequent visitor and locate', async () => {
    const s1 = {
      area: { kind: 'circle' as const, ...SCENE, radiusM: 800 },
      from: new Date(T0 - H).toISOString(),
      to: new Date(T0 + H).toISOString(),
    };
    const s2 = {
      area: { kind: 'circle' as const, ...FAR, radiusM: 800 },
      from: new Date(T0 + H).toISOString(),
      to: new Date(T0 + 3 * H).toISOString(),
    };
    const link = await h.call(token, 'canvass.commonLink', { access: ACCESS, scenes: [s1, s2] });
    expect(link.results.map((x) => x.plate)).toEqual(['7ABC123']);

    add([
      read('CONVOY1', 20_000, SCENE),
      read('CONVOY1', 2 * H + 30_000, FAR),
      read('ALONE11', 2 * H + 10_000, FAR),
    ]);
    const c = await h.call(token, 'canvass.convoy', {
      access: ACCESS,
      plate: '7abc-123',
      windowSeconds: 120,
      minPlaces: 2,
    });
    expect(c.results.map((x) => x.plate)).toEqual(['CONVOY1']);

    const days = [0, 1, 2, 3].map((d) => read('REGULAR', d * 24 * H + 5 * H, SCENE));
    add(days);
    const fv = await h.call(token, 'canvass.frequentVisitors', {
      access: ACCESS,
      area: { kind: 'circle', ...SCENE, radiusM: 300 },
      from: new Date(T0 - 24 * H).toISOString(),
      to: new Date(T0 + 5 * 24 * H).toISOString(),
      minDays: 3,
    });
    expect(fv.results.map((x) => x.plate)).toEqual(['REGULAR']);

    const loc = await h.call(token, 'canvass.locate', { access: ACCESS, plate: '7ABC123' });
    expect(loc.hits).toBe(2);
    expect(loc.lastSeen!.lat).toBe(FAR.lat);
  });
});

describe('watches and cases', () => {
  it('alerts on future reads that match a saved partial plate', async () => {
    const w = await h.call(token, 'watches.create', {
      access: ACCESS,
      pattern: '9?Q*',
      tolerant: true,
      description: 'grey sedan, robbery',
    });
    expect(w.caseNumber).toBe(ACCESS.caseNumber);
    const ids = add([
      read('9XQ777', 5 * H, SCENE),
      read('9X0777', 5 * H, SCENE),
      read('123456', 5 * H, SCENE),
    ]);
    expect(checkWatches(h.core.store.db, ids, h.clock)).toBe(2);
    expect(checkWatches(h.core.store.db, ids, h.clock)).toBe(0); // once per read
    const alerts = await h.call(token, 'watches.alerts', { access: ACCESS, watchId: w.id });
    expect(alerts.results.map((a) => a.read.plate).sort()).toEqual(['9X0777', '9XQ777']);
    expect(alerts.results.find((a) => a.read.plate === '9X0777')!.reasons[0]).toMatch(
      /char 3 read 0 — could be Q/,
    );
  });

  it('creates a case and adds reads to it', async () => {
    const c = await h.call(token, 'cases.create', { number: '26-000777', title: 'Robbery at 3rd and Pine' });
    const found = await h.call(token, 'canvass.search', { access: ACCESS, pattern: '7ABC123' });
    const ids = found.results[0]!.reads.map((r) => r.id);
    const r = await h.call(token, 'cases.addReads', { access: ACCESS, caseId: c.id, readIds: ids });
    expect(r).toEqual({ added: 2, total: 2 });
    const detail = await h.call(token, 'cases.get', { access: ACCESS, id: c.id });
    expect(detail.results.map((x) => x.plate)).toEqual(['7ABC123', '7ABC123']);
  });
});

describe('benchmark store builder', () => {
  it('bench builder writes the same index as insertReads', () => {
    const db = h.core.store.db;
    const dump = () => ({
      texts: (db.prepare('SELECT era, code FROM canvass_codes ORDER BY era, code').raw().all() as [number, number][]).map(
        ([era, c]) => `${era} ${textOf(c)}`,
      ),
      grams: postingPairs(db),
    });
    add([read('AB', 0, SCENE), read('Z9Y8X7W6V5', 0, SCENE), read('deadbeefdeadbeefdeadbeef', 0, SCENE)]);
    const viaHook = dump();
    db.exec('DELETE FROM canvass_postings; DELETE FROM canvass_codes;');
    bulkPlateIndex(db);
    expect(dump()).toEqual(viaHook);
    expect(viaHook.texts.some((t) => t.endsWith(' Z9Y8X7W6V5'))).toBe(true);
    expect(viaHook.texts.some((t) => t.includes('deadbeef'))).toBe(false);
  });
});

describe('grid cell index (migration 11)', () => {
  it("computes the same cell in SQL (the generated column) and in geo.ts, edges and signs included", () => {
    const db = h.core.store.db;
    const spots: [number, number][] = [
      [SCENE.lat, SCENE.lon],
      [34.0522, -118.2437],
      [-33.8688, 151.2093],
      [0, 0],
      [89.9999, 179.9999],
      [-90, -180],
      [47.61, -122.334], // on a 0.002° line
      [47.61 - 1e-12, -122.334 + 1e-12],
    ];
    const sqlCell = db.prepare(`SELECT ${CELL_SQL} AS c FROM (SELECT ? AS lat, ? AS lon)`).pluck();
    for (const [lat, lon] of spots) expect(sqlCell.get(lat, lon)).toBe(cellOf(lat, lon));
    const stored = db.prepare('SELECT lat, lon, cell FROM reads WHERE lat IS NOT NULL').all() as {
      lat: number;
      lon: number;
      cell: number;
    }[];
    expect(stored.length).toBeGreaterThan(0);
    for (const r of stored) expect(r.cell).toBe(cellOf(r.lat, r.lon));
    expect(db.prepare('SELECT cell FROM reads WHERE lat IS NULL LIMIT 1').pluck().get() ?? null).toBeNull();
  });

  it('covers a box with every cell it meets, and gives up on a city-sized box', () => {
    const b = bboxOf({ kind: 'circle', lat: SCENE.lat, lon: SCENE.lon, radiusM: 1000 });
    const cells = cellsCovering(b, 4096)!;
    expect(cells.length).toBeGreaterThan(100);
    expect(cells.length).toBeLessThan(200);
    for (const [lat, lon] of [
      [b.south, b.west],
      [b.north, b.east],
      [SCENE.lat, SCENE.lon],
      [(b.south + b.north) / 2, b.east],
    ] as [number, number][])
      expect(cells).toContain(cellOf(lat, lon));
    expect(cellsCovering({ south: 47.4, north: 47.8, west: -122.5, east: -122.1 }, 4096)).toBeNull();
  });

  it('answers area queries through reads_places, and city-sized ones through time', () => {
    const db = h.core.store.db;
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(JSON.stringify([1]), JSON.stringify([1])) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    // one seek per (bucket, cell), never a scan of the table
    expect(
      plan(
        'SELECT bucket, data FROM reads_places WHERE bucket IN (SELECT value FROM json_each(?)) AND cell IN (SELECT value FROM json_each(?))',
      ),
    ).toMatch(/SEARCH reads_places USING PRIMARY KEY \(bucket=\? AND cell=\?\)/);
    // a read ~560 m from the scene is in a 1 km circle and out of a 500 m one; one 9 km away never is
    const near = { lat: SCENE.lat + 0.005, lon: SCENE.lon };
    add([read('CELL111', 5 * H, near), read('CELL222', 5 * H, { lat: SCENE.lat + 0.08, lon: SCENE.lon })]);
    const w = { from: T0 + 4 * H, to: T0 + 6 * H };
    const plates = (radiusM: number) =>
      readsInScene(db, w, { kind: 'circle', ...SCENE, radiusM })
        .map((r) => r.plate)
        .sort();
    expect(plates(1000)).toEqual(['CELL111']);
    expect(plates(500)).toEqual([]);
    expect(plates(20_000)).toEqual(['CELL111', 'CELL222']); // too many cells: by time, same answer
  });
});

describe('migrations 11 and 12', () => {
  it('bring a version-2 store with reads (R*Tree, one plate index for all time) to cells and eras', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    migrate(db, migrations.filter((m) => m.version <= 2));
    const ins = db.prepare('INSERT INTO reads (plate, ts, lat, lon) VALUES (?, ?, ?, ?)');
    const geo = db.prepare('INSERT INTO reads_geo VALUES (?, ?, ?, ?, ?)');
    const rows: [string, number, number | null, number | null][] = [
      ['OLD1234', T0, SCENE.lat, SCENE.lon],
      ['OLD1234', T0 + ERA_MS, FAR.lat, FAR.lon],
      ['NOPOS12', T0, null, null],
    ];
    for (const r of rows) {
      const id = Number(ins.run(...r).lastInsertRowid);
      if (r[2] !== null) geo.run(id, r[2], r[2], r[3], r[3]);
    }
    migrate(db);
    // migration 11 put places in reads_cell, migration 14 in reads_places rows (bucket, cell)
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name IN ('reads_geo', 'reads_cell', 'reads_import', 'reads_places')").pluck().all(),
    ).toEqual(['reads_places']);
    expect(db.prepare('SELECT bucket, cell, first_id, n FROM reads_places ORDER BY bucket, cell').raw().all()).toEqual(
      [
        [bucketOf(T0), cellOf(SCENE.lat, SCENE.lon), 1, 1],
        [bucketOf(T0 + ERA_MS), cellOf(FAR.lat, FAR.lon), 2, 1],
      ].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    );
    expect(db.prepare('SELECT plate, cell, era FROM reads ORDER BY id').raw().all()).toEqual([
      ['OLD1234', cellOf(SCENE.lat, SCENE.lon), eraOf(T0)],
      ['OLD1234', cellOf(FAR.lat, FAR.lon), eraOf(T0 + ERA_MS)],
      ['NOPOS12', null, eraOf(T0)],
    ]);
    // migration 15 rebuilt migration 12's texts (and their reverses) as codes
    expect(
      (db.prepare('SELECT era, code FROM canvass_codes ORDER BY era, code').raw().all() as [number, number][]).map(
        ([era, c]) => [era, textOf(c)],
      ),
    ).toEqual([
      [eraOf(T0), 'NOPOS12'],
      [eraOf(T0), 'OLD1234'],
      [eraOf(T0 + ERA_MS), 'OLD1234'],
    ]);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'canvass_texts%'").pluck().get()).toBe(0);
    expect(candidatePlates(db, parsePattern('*D12*'), false).texts).toEqual(['OLD1234']);
    expect(candidatePlates(db, parsePattern('*S12'), false).texts).toEqual(['NOPOS12']);
    expect(plateRows(db, ['OLD1234'])).toEqual([{ text: 'OLD1234', reads: 2, first_ts: T0, last_ts: T0 + ERA_MS }]);
    db.close();
  });

  it('repair a development store that reached version 10 without migrations 3 and 4', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    migrate(db, migrations.filter((m) => m.version <= 2 || m.version === 10));
    db.exec(`INSERT INTO reads (plate, ts, lat, lon) VALUES ('DEV4567', ${T0}, NULL, NULL)`);
    migrate(db); // 3 and 4 are below 10 and stay skipped; 11 and 12 run
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect((db.prepare('SELECT code FROM canvass_codes').pluck().all() as number[]).map(textOf)).toEqual(['DEV4567']);
    expect(candidatePlates(db, parsePattern('DEV*'), false).texts).toEqual(['DEV4567']);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'canvass_plates'").pluck().get()).toBe(0);
    db.close();
  });
});
