// Canvass analyses (R11): the plates common to several scenes, the plates travelling with a
// target plate (convoy), the frequent visitors of a place, and where a plate is usually and
// was last seen. Each reads only the windows it needs through the time, plate or grid-cell index.
import type { Database } from 'better-sqlite3';
import type {
  AreaDto,
  CommonLinkDto,
  ConvoyDto,
  FrequentVisitorDto,
  LocateDto,
  SceneDto,
} from '../../api/types-canvass';
import { CanvassError } from '../errors';
import { distanceM, placeKey } from './geo';
import { compileMatcher } from './match';
import {
  iso,
  NO_END,
  NO_START,
  readsInScene,
  readsOfPlate,
  sourceNames,
  toReadDto,
  type ReadRow,
} from './reads';
import { toScenes } from './search';
import { normalizePlate } from '../reads/plate';

const exactPlate = (plate: string) => {
  const p = plate.trim();
  return /^[0-9a-fA-F]{16,128}$/.test(p) && p.length > 10 ? p.toLowerCase() : normalizePlate(p);
};

/** Plates read in at least `minScenes` of the scenes (each scene: area + window). */
export function commonLink(
  db: Database,
  q: { scenes: SceneDto[]; minScenes?: number; pattern?: string; limit?: number },
): CommonLinkDto {
  const scenes = toScenes(q.scenes);
  if (scenes.length < 2)
    throw new CanvassError('invalid_input', 'A common link needs at least two scenes.', { field: 'scenes' });
  const minScenes = Math.max(2, q.minScenes ?? 2);
  const matcher = q.pattern ? compileMatcher(q.pattern, false) : null;
  const names = sourceNames(db);
  const by = new Map<string, { scenes: Set<number>; reads: { r: ReadRow; scene: number }[] }>();
  scenes.forEach((s, i) => {
    if (s.w.from === NO_START || s.w.to === NO_END) {
      throw new CanvassError('invalid_input', `Scene ${i + 1} needs a time window (from and to).`, {
        field: `scenes.${i}`,
      });
    }
    for (const r of readsInScene(db, s.w, s.area)) {
      if (matcher && !matcher.text(r.plate)) continue;
      let g = by.get(r.plate);
      if (!g) by.set(r.plate, (g = { scenes: new Set(), reads: [] }));
      g.scenes.add(i);
      g.reads.push({ r, scene: i });
    }
  });
  const results = [...by]
    .filter(([, g]) => g.scenes.size >= minScenes)
    .map(([plate, g]) => {
      const list = [...g.scenes].sort((a, b) => a - b);
      return {
        plate,
        score: Math.round((100 * g.scenes.size) / scenes.length),
        reasons: [
          `seen at ${g.scenes.size} of ${scenes.length} scenes: ${list.map((i) => scenes[i]!.label).join(', ')}`,
          `${g.reads.length} reads in the scene windows`,
        ],
        scenes: list,
        reads: g.reads
          .sort((a, b) => a.r.ts - b.r.ts)
          .map(({ r, scene }) => toReadDto(r, names, 'exact', 1, [scene])),
      };
    })
    .sort(
      (a, b) =>
        b.scenes.length - a.scenes.length || b.reads.length - a.reads.length || (a.plate < b.plate ? -1 : 1),
    );
  return { results: results.slice(0, q.limit ?? 100), scenes: scenes.length, total: results.length };
}

/**
 * Plates read within `windowS` seconds and `radiusM` metres of the target's reads, at `minPlaces`
 * or more distinct places (one place = one target read's neighbourhood, ~100 m cells).
 */
export function convoy(
  db: Database,
  q: {
    plate: string;
    from?: string;
    to?: string;
    windowS?: number;
    radiusM?: number;
    minPlaces?: number;
    limit?: number;
  },
): ConvoyDto {
  const target = exactPlate(q.plate);
  const from = q.from ? Date.parse(q.from) : NO_START;
  const to = q.to ? Date.parse(q.to) : NO_END;
  const dt = (q.windowS ?? 120) * 1000;
  const radius = q.radiusM ?? 500;
  const minPlaces = q.minPlaces ?? 2;
  const names = sourceNames(db);
  const mine = readsOfPlate(db)(target, { from, to }).filter((r) => r.lat !== null && r.lon !== null);
  const near = db.prepare(
    `SELECT r.id, r.plate, r.ts, r.lat, r.lon, r.source_id, r.state, r.color, r.confidence, r.char_conf, r.alternatives
     FROM reads r WHERE r.ts >= ? AND r.ts <= ? AND r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?`,
  );
  const dLat = radius / 111_320;
  const by = new Map<string, { places: Set<string>; reads: ReadRow[]; gaps: number[] }>();
  for (const t of mine) {
    const dLon = dLat / Math.max(0.01, Math.cos((t.lat! * Math.PI) / 180));
    const place = placeKey(t.lat!, t.lon!);
    for (const r of near.all(
      t.ts - dt,
      t.ts + dt,
      t.lat! - dLat,
      t.lat! + dLat,
      t.lon! - dLon,
      t.lon! + dLon,
    ) as ReadRow[]) {
      if (r.plate === target || distanceM(t.lat!, t.lon!, r.lat!, r.lon!) > radius) continue;
      let g = by.get(r.plate);
      if (!g) by.set(r.plate, (g = { places: new Set(), reads: [], gaps: [] }));
      g.places.add(place);
      g.reads.push(r);
      g.gaps.push(Math.abs(r.ts - t.ts));
    }
  }
  const results = [...by]
    .filter(([, g]) => g.places.size >= minPlaces)
    .map(([plate, g]) => {
      const median = [...g.gaps].sort((a, b) => a - b)[Math.floor(g.gaps.length / 2)]!;
      return {
        plate,
        score: Math.round(
          Math.min(100, (100 * g.places.size) / Math.max(minPlaces, 1) / 2 + 50 * (1 - median / dt)),
        ),
        reasons: [
          `read near ${target} at ${g.places.size} distinct places`,
          `${g.reads.length} reads within ${q.windowS ?? 120} s and ${radius} m of ${target}; median gap ${Math.round(median / 1000)} s`,
        ],
        places: g.places.size,
        together: g.reads.length,
        reads: g.reads
          .sort((a, b) => a.ts - b.ts)
          .slice(0, 50)
          .map((r) => toReadDto(r, names, 'exact', 1, [])),
      };
    })
    .sort((a, b) => b.places - a.places || b.together - a.together || (a.plate < b.plate ? -1 : 1));
  return {
    target,
    targetReads: mine.length,
    results: results.slice(0, q.limit ?? 100),
    total: results.length,
  };
}

/** Plates read in the area on at least `minDays` distinct (UTC) days of the window. */
export function frequentVisitors(
  db: Database,
  q: { area: AreaDto; from: string; to: string; minDays?: number; pattern?: string; limit?: number },
): FrequentVisitorDto {
  const [scene] = toScenes([{ area: q.area, from: q.from, to: q.to }]);
  const minDays = q.minDays ?? 3;
  const matcher = q.pattern ? compileMatcher(q.pattern, false) : null;
  const by = new Map<string, { days: Set<number>; hits: number; first: number; last: number }>();
  for (const r of readsInScene(db, scene!.w, scene!.area)) {
    if (matcher && !matcher.text(r.plate)) continue;
    let g = by.get(r.plate);
    if (!g) by.set(r.plate, (g = { days: new Set(), hits: 0, first: r.ts, last: r.ts }));
    g.days.add(Math.floor(r.ts / 86_400_000));
    g.hits++;
    g.first = Math.min(g.first, r.ts);
    g.last = Math.max(g.last, r.ts);
  }
  const spanDays = Math.max(1, Math.ceil((scene!.w.to - scene!.w.from) / 86_400_000));
  const results = [...by]
    .filter(([, g]) => g.days.size >= minDays)
    .map(([plate, g]) => ({
      plate,
      score: Math.round((100 * g.days.size) / spanDays),
      reasons: [`seen in the area on ${g.days.size} distinct days of ${spanDays}`, `${g.hits} reads`],
      days: g.days.size,
      hits: g.hits,
      firstSeen: iso(g.first),
      lastSeen: iso(g.last),
    }))
    .sort((a, b) => b.days - a.days || b.hits - a.hits || (a.plate < b.plate ? -1 : 1));
  return { results: results.slice(0, q.limit ?? 100), total: results.length };
}

/** Where and when a plate was last seen, and the places it is usually seen. */
export function locate(db: Database, q: { plate: string; recent?: number }): LocateDto {
  const plate = exactPlate(q.plate);
  const names = sourceNames(db);
  const rows = readsOfPlate(db)(plate, { from: NO_START, to: NO_END });
  const cells = new Map<
    string,
    { lat: number; lon: number; reads: number; last: number; hours: Set<number> }
  >();
  for (const r of rows) {
    if (r.lat === null || r.lon === null) continue;
    const k = placeKey(r.lat, r.lon);
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { lat: r.lat, lon: r.lon, reads: 0, last: r.ts, hours: new Set() }));
    c.reads++;
    c.last = Math.max(c.last, r.ts);
    c.hours.add(new Date(r.ts).getUTCHours());
  }
  const recent = rows.slice(0, q.recent ?? 20).map((r) => toReadDto(r, names, 'exact', 1, []));
  return {
    plate,
    hits: rows.length,
    lastSeen: recent[0] ?? null,
    firstSeen: rows.length ? iso(rows[rows.length - 1]!.ts) : null,
    places: [...cells.values()]
      .sort((a, b) => b.reads - a.reads)
      .slice(0, 10)
      .map((c) => ({
        lat: c.lat,
        lon: c.lon,
        reads: c.reads,
        lastSeen: iso(c.last),
        hours: [...c.hours].sort((a, b) => a - b),
      })),
    recent,
    results: recent,
  };
}
