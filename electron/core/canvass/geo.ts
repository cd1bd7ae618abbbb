// Areas for canvasses: circles and polygons, their bounding boxes and the grid cells that
// cover them (reads_places), containment, distance and a 0..1 "closeness" used for ranking. Distances
// are haversine metres; a canvass area is at most a few kilometres, so that is plenty.
import type { AreaDto } from '../../api/types-canvass';

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface BBox {
  south: number;
  north: number;
  west: number;
  east: number;
}

export function bboxOf(a: AreaDto): BBox {
  if (a.kind === 'circle') {
    const dLat = (a.radiusM / R) * (180 / Math.PI);
    const dLon = dLat / Math.max(0.01, Math.cos(rad(a.lat)));
    return { south: a.lat - dLat, north: a.lat + dLat, west: a.lon - dLon, east: a.lon + dLon };
  }
  const lats = a.points.map((p) => p[0]);
  const lons = a.points.map((p) => p[1]);
  return {
    south: Math.min(...lats),
    north: Math.max(...lats),
    west: Math.min(...lons),
    east: Math.max(...lons),
  };
}

/** Ray casting on lat/lon; fine for the city-sized polygons an analyst draws. */
function inPolygon(points: [number, number][], lat: number, lon: number): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [yi, xi] = points[i]!;
    const [yj, xj] = points[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function centreOf(a: AreaDto): [number, number] {
  if (a.kind === 'circle') return [a.lat, a.lon];
  const n = a.points.length;
  return [a.points.reduce((s, p) => s + p[0], 0) / n, a.points.reduce((s, p) => s + p[1], 0) / n];
}

export function contains(a: AreaDto, lat: number, lon: number): boolean {
  if (a.kind === 'circle') return distanceM(a.lat, a.lon, lat, lon) <= a.radiusM;
  const b = bboxOf(a);
  return lat >= b.south && lat <= b.north && lon >= b.west && lon <= b.east && inPolygon(a.points, lat, lon);
}

/** Radius that stands for the area's size: the circle's, or the farthest vertex from the centre. */
export function sizeM(a: AreaDto): number {
  if (a.kind === 'circle') return a.radiusM;
  const [clat, clon] = centreOf(a);
  return Math.max(1, ...a.points.map((p) => distanceM(clat, clon, p[0], p[1])));
}

/** 1 at the centre, 0 at the edge. */
export function closeness(a: AreaDto, lat: number, lon: number): { value: number; metres: number } {
  const [clat, clon] = centreOf(a);
  const metres = distanceM(clat, clon, lat, lon);
  return { value: Math.max(0, 1 - metres / sizeM(a)), metres };
}

/** A ~100 m grid cell key, for counting distinct places. */
export function placeKey(lat: number, lon: number): string {
  return `${Math.round(lat * 1000)}:${Math.round(lon * 700)}`;
}

/** The reads' place grid (reads.cell, reads_places): 0.002° rows and columns (≈ 222 m × 150 m at Seattle's latitude). */
const CELLS_PER_DEG = 500;
const CELL_ROW = 200_000;

/** The cell a position falls in: the same arithmetic as migration 11's CELL_SQL (IEEE doubles, truncation). */
export function cellOf(lat: number, lon: number): number {
  return Math.trunc((lat + 90) * CELLS_PER_DEG) * CELL_ROW + Math.trunc((lon + 180) * CELLS_PER_DEG);
}

/**
 * Every cell that meets the box, or null when there would be more than `max` (a city-sized
 * area: the time index is then the better way in). A 1 km circle needs about 150.
 */
export function cellsCovering(b: BBox, max: number): number[] | null {
  const lo = cellOf(b.south, b.west);
  const hi = cellOf(b.north, b.east);
  const r0 = Math.floor(lo / CELL_ROW);
  const r1 = Math.floor(hi / CELL_ROW);
  const c0 = lo - r0 * CELL_ROW;
  const c1 = hi - r1 * CELL_ROW;
  if (r1 < r0 || c1 < c0 || (r1 - r0 + 1) * (c1 - c0 + 1) > max) return null;
  const out: number[] = [];
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) out.push(r * CELL_ROW + c);
  return out;
}
