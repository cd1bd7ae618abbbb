// The ranked partial-plate canvass (R11): a pattern (exact or misread-tolerant), optional
// scenes (area + time window, several at once), sources, state, colour and confidence.
// Candidates come from the plate index; their reads are fetched plate by plate when that is
// cheap, or the scenes' reads are scanned when the pattern is loose. Results are grouped by
// plate, scored by match quality and closeness in space and time, and explained in words.
import type { Database } from 'better-sqlite3';
import type {
  AreaDto,
  CanvassResultDto,
  CanvassSearchDto,
  PlaceDto,
  SceneDto,
} from '../../api/types-canvass';
import { CanvassError } from '../errors';
import { closeness, contains, placeKey } from './geo';
import { compileMatcher, type Matcher, type ReadMatch } from './match';
import { hashedPattern } from './pattern';
import { candidatePlates, plateRows, type PlateRow } from './plate-index';
import { erasIn } from '../reads/era';
import {
  iso,
  NO_END,
  NO_START,
  readsInScene,
  readsOfPlate,
  readsOfPlates,
  sourceNames,
  toReadDto,
  type ReadRow,
  type Window,
} from './reads';

export interface CanvassQuery {
  pattern: string;
  tolerant?: boolean;
  scenes?: SceneDto[];
  sourceIds?: number[];
  state?: string;
  color?: string;
  minConfidence?: number;
  /**
   * With `state` / `color`: a read whose state or colour was never read (a video import, a vendor
   * file without the column) may still be the vehicle, so it matches too; its field stays null.
   */
  includeUnread?: boolean;
  limit?: number;
  readsPerPlate?: number;
}

export interface Scene {
  label: string;
  area: AreaDto | undefined;
  w: Window;
}

export function toScenes(scenes: SceneDto[] | undefined): Scene[] {
  return (scenes ?? []).map((s, i) => {
    const from = s.from ? Date.parse(s.from) : NO_START;
    const to = s.to ? Date.parse(s.to) : NO_END;
    if (from >= to)
      throw new CanvassError('invalid_input', `Scene ${i + 1}: "from" must be before "to".`, {
        field: `scenes.${i}`,
      });
    return { label: s.label ?? `scene ${i + 1}`, area: s.area, w: { from, to } };
  });
}

/**
 * A pattern that matches more plates than this (`7*`, `*1*`) is cut here before counting: it
 * is no canvass any more, and the result says `truncated`.
 */
export const MAX_MATCHED = 20_000;

/** Past this many reads behind the candidate plates, scanning the scenes is cheaper. */
const PLATE_FIRST_MAX_READS = 60_000;

interface Hit {
  row: ReadRow;
  m: ReadMatch;
  scenes: number[];
}

/** Which scenes a read falls in (all reads are "in" when there are no scenes). */
function scenesOf(r: ReadRow, scenes: Scene[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < scenes.length; i++) {
    const s = scenes[i]!;
    if (r.ts < s.w.from || r.ts >= s.w.to) continue;
    if (s.area && (r.lat === null || r.lon === null || !contains(s.area, r.lat, r.lon))) continue;
    out.push(i);
  }
  return out;
}

function passesFilters(r: ReadRow, q: CanvassQuery): boolean {
  if (q.sourceIds?.length && (r.source_id === null || !q.sourceIds.includes(r.source_id))) return false;
  if (q.state && (r.state === null ? !q.includeUnread : r.state !== q.state.toUpperCase())) return false;
  if (q.color && (r.color === null ? !q.includeUnread : r.color !== q.color.toLowerCase())) return false;
  if (q.minConfidence !== undefined && (r.confidence === null || r.confidence < q.minConfidence))
    return false;
  return true;
}

export function canvassSearch(db: Database, q: CanvassQuery): CanvassSearchDto {
  const t0 = performance.now();
  const hashed = hashedPattern(q.pattern);
  const tolerant = hashed ? false : (q.tolerant ?? false); // a hash has no look-alikes
  const matcher = compileMatcher(hashed ?? q.pattern, tolerant);
  const scenes = toScenes(q.scenes);
  const limit = q.limit ?? 50;
  const perPlate = q.readsPerPlate ?? 20;
  // With scenes, only the eras their windows touch can hold a hit: a week's canvass looks at
  // one or two eras' texts, not two years' (reads/era.ts).
  const eras = scenes.length
    ? [...new Set(scenes.flatMap((s) => erasIn(db, s.w.from, s.w.to)))].sort((a, b) => a - b)
    : undefined;
  // Text-level check first: cheap, and it drops most candidates of a loose plan. Only the
  // texts that pass get their counts and first/last seen (an index range each). A scan of the
  // whole text list applies it as it reads and stops one past MAX_MATCHED.
  const accept = (t: string) => matcher.text(t) !== null;
  const { texts: cands, scanned, examined } = candidatePlates(db, matcher.pattern, tolerant, eras, {
    accept,
    max: MAX_MATCHED + 1,
  });
  const matched = scanned ? cands : cands.filter(accept);
  let plates = plateRows(db, matched.length > MAX_MATCHED ? matched.slice(0, MAX_MATCHED) : matched, eras);
  if (scenes.length)
    plates = plates.filter((p) => scenes.some((s) => p.last_ts >= s.w.from && p.first_ts < s.w.to));
  const needReads =
    scenes.length > 0 || !!(q.sourceIds?.length || q.state || q.color || q.minConfidence !== undefined);
  const names = sourceNames(db);
  let groups: Group[];
  let strategy: CanvassSearchDto['plan']['strategy'];
  if (!needReads) {
    strategy = 'summary';
    groups = fromSummary(db, matcher, plates, limit, q);
  } else {
    const behind = plates.reduce((s, p) => s + p.reads, 0);
    const hits: Hit[] = [];
    const take = (r: ReadRow) => {
      if (!passesFilters(r, q)) return;
      const sc = scenes.length ? scenesOf(r, scenes) : [];
      if (scenes.length && sc.length === 0) return;
      const m = matcher.read(r);
      if (m) hits.push({ row: r, m, scenes: sc });
    };
    if (
      behind <= PLATE_FIRST_MAX_READS ||
      scenes.length === 0 ||
      scenes.some((s) => !s.area && s.w.to - s.w.from > 31 * 86_400_000)
    ) {
      strategy = 'plate-first';
      const windows = scenes.length ? mergeWindows(scenes.map((s) => s.w)) : [{ from: NO_START, to: NO_END }];
      for (const w of windows) {
        const inWindow = plates.filter((p) => p.last_ts >= w.from && p.first_ts < w.to).map((p) => p.text);
        for (const r of readsOfPlates(db, inWindow, w)) take(r);
      }
    } else {
      strategy = 'window-first';
      const wanted = new Set(plates.map((p) => p.text));
      const seen = new Set<number>();
      for (const s of scenes) {
        for (const r of readsInScene(db, s.w, s.area)) {
          if (!wanted.has(r.plate) || seen.has(r.id)) continue;
          seen.add(r.id);
          take(r);
        }
      }
    }
    groups = group(hits);
  }
  const ranked = groups
    .map((g) => rank(g, scenes, matcher))
    .sort((a, b) => b.score - a.score || b.hits - a.hits || (a.plate < b.plate ? -1 : 1));
  const results: CanvassResultDto[] = ranked.slice(0, limit).map((g) => ({
    plate: g.plate,
    score: g.score,
    reasons: g.reasons,
    hits: g.hits,
    firstSeen: iso(g.first),
    lastSeen: iso(g.last),
    places: g.places,
    scenes: [...g.sceneSet].sort((a, b) => a - b),
    reads: g.hitList
      .sort((a, b) => b.row.ts - a.row.ts)
      .slice(0, perPlate)
      .map((h) => toReadDto(h.row, names, h.m.via, h.m.quality, h.scenes)),
  }));
  return {
    pattern: matcher.pattern.canonical,
    tolerant,
    results,
    total: ranked.length,
    plan: {
      candidates: examined,
      strategy,
      scanned,
      truncated: matched.length > MAX_MATCHED,
      ms: Math.round((performance.now() - t0) * 10) / 10,
    },
  };
}

function mergeWindows(ws: Window[]): Window[] {
  const s = [...ws].sort((a, b) => a.from - b.from);
  const out: Window[] = [];
  for (const w of s) {
    const last = out[out.length - 1];
    if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}

export interface Group {
  plate: string;
  hitList: Hit[];
  hits: number;
  first: number;
  last: number;
  places: PlaceDto[];
  sceneSet: Set<number>;
}

export function group(hits: Hit[]): Group[] {
  const by = new Map<string, Hit[]>();
  for (const h of hits) {
    const list = by.get(h.row.plate);
    if (list) list.push(h);
    else by.set(h.row.plate, [h]);
  }
  return [...by].map(([plate, list]) => ({
    plate,
    hitList: list,
    hits: list.length,
    first: Math.min(...list.map((h) => h.row.ts)),
    last: Math.max(...list.map((h) => h.row.ts)),
    places: placesOf(list.map((h) => h.row)),
    sceneSet: new Set(list.flatMap((h) => h.scenes)),
  }));
}

export function placesOf(rows: ReadRow[]): PlaceDto[] {
  const cells = new Map<string, { lat: number; lon: number; reads: number }>();
  for (const r of rows) {
    if (r.lat === null || r.lon === null) continue;
    const k = placeKey(r.lat, r.lon);
    const c = cells.get(k);
    if (c) c.reads++;
    else cells.set(k, { lat: r.lat, lon: r.lon, reads: 1 });
  }
  return [...cells.values()].sort((a, b) => b.reads - a.reads).slice(0, 10);
}

/**
 * Without scenes or read filters the plate summary already holds hits and first/last seen:
 * rank on it, then fetch reads only for the plates shown (and re-rank those with their
 * per-read confidences in tolerant mode).
 */
function fromSummary(
  db: Database,
  matcher: Matcher,
  plates: PlateRow[],
  limit: number,
  q: CanvassQuery,
): Group[] {
  const textQ = (p: PlateRow) => {
    const a = matcher.text(p.text)!;
    return a.subs.length === 0 && !a.indel ? 1 : 0.5 ** (a.subs.length + (a.indel ? 1.5 : 0));
  };
  const pre = plates
    .map((p) => ({ p, q: textQ(p) }))
    .sort((a, b) => b.q - a.q || b.p.reads - a.p.reads || b.p.last_ts - a.p.last_ts)
    .slice(0, matcher.tolerant ? limit * 3 : limit);
  const byPlate = readsOfPlate(db);
  const out: Group[] = [];
  for (const { p } of pre) {
    const rows = byPlate(p.text, { from: NO_START, to: NO_END }).slice(0, 200);
    const hits: Hit[] = [];
    for (const r of rows) {
      if (!passesFilters(r, q)) continue;
      const m = matcher.read(r);
      if (m) hits.push({ row: r, m, scenes: [] });
    }
    if (hits.length === 0) continue;
    out.push({
      plate: p.text,
      hitList: hits,
      hits: p.reads,
      first: p.first_ts,
      last: p.last_ts,
      places: placesOf(rows),
      sceneSet: new Set(),
    });
  }
  return out;
}

interface Ranked extends Group {
  score: number;
  reasons: string[];
}

const fmtM = (m: number) => (m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`);
const fmtDt = (ms: number) =>
  ms >= 86_400_000
    ? `${(ms / 86_400_000).toFixed(1)} d`
    : ms >= 3_600_000
      ? `${(ms / 3_600_000).toFixed(1)} h`
      : `${Math.round(ms / 60_000)} min`;

/** Score 0..100: match quality dominates, then closeness in space and time, scenes, hits. */
export function rank(g: Group, scenes: Scene[], matcher: Matcher): Ranked {
  const best = g.hitList.reduce((a, b) => (b.m.quality > a.m.quality ? b : a));
  const reasons: string[] = [];
  if (best.m.via === 'exact') reasons.push(`plate ${g.plate} matches ${matcher.pattern.canonical} exactly`);
  else reasons.push(...best.m.reasons);
  const exact = g.hitList.filter((h) => h.m.via === 'exact').length;
  if (best.m.via !== 'exact' && exact === 0)
    reasons.push(`no read of ${g.plate} matches exactly; best fit ${best.m.quality.toFixed(2)}`);
  let space = 0.5;
  let time = 0.5;
  if (scenes.length) {
    space = 0;
    time = 0;
    let bestSpace: { m: number; scene: number } | null = null;
    let bestTime: { ms: number; scene: number } | null = null;
    for (const h of g.hitList) {
      for (const i of h.scenes) {
        const s = scenes[i]!;
        if (s.area && h.row.lat !== null && h.row.lon !== null) {
          const c = closeness(s.area, h.row.lat, h.row.lon);
          if (c.value > space) space = c.value;
          if (!bestSpace || c.metres < bestSpace.m) bestSpace = { m: c.metres, scene: i };
        } else space = Math.max(space, 0.5);
        if (s.w.from > NO_START && s.w.to < NO_END) {
          const mid = (s.w.from + s.w.to) / 2;
          const off = Math.abs(h.row.ts - mid);
          time = Math.max(time, 1 - off / ((s.w.to - s.w.from) / 2));
          if (!bestTime || off < bestTime.ms) bestTime = { ms: off, scene: i };
        } else time = Math.max(time, 0.5);
      }
    }
    if (bestSpace)
      reasons.push(`closest read ${fmtM(bestSpace.m)} from the centre of ${scenes[bestSpace.scene]!.label}`);
    if (bestTime)
      reasons.push(
        `read ${fmtDt(bestTime.ms)} from the middle of the ${scenes[bestTime.scene]!.label} window`,
      );
    if (scenes.length > 1) {
      const list = [...g.sceneSet].sort((a, b) => a - b).map((i) => scenes[i]!.label);
      reasons.push(`seen at ${g.sceneSet.size} of ${scenes.length} scenes (${list.join(', ')})`);
    }
  }
  // Times in UTC and marked so (CLI and JSON readers see the zone; the renderer shows local time).
  reasons.push(
    `${g.hits} read${g.hits === 1 ? '' : 's'} at ${g.places.length} place${g.places.length === 1 ? '' : 's'}, ${iso(g.first).slice(0, 16)}Z → ${iso(g.last).slice(0, 16)}Z`,
  );
  const hitsNorm = Math.min(1, Math.log10(1 + g.hits) / 2);
  const sceneBonus = scenes.length > 1 ? (g.sceneSet.size - 1) / (scenes.length - 1) : 0;
  const score = 100 * (0.55 * best.m.quality + 0.15 * space + 0.1 * time + 0.1 * hitsNorm + 0.1 * sceneBonus);
  return { ...g, score: Math.round(score * 10) / 10, reasons };
}
