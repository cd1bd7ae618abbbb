// Clustering of map points with supercluster: the index is built once per result and asked
// for the clusters in view on every move or zoom. Building for 100k points takes most of a
// second, so the map does it in a worker (clusterWorker.ts) through ClusterSource; the
// functions here are shared by the worker, the in-page fallback and the tests. Extent 256 matches
// Leaflet's 256-px tiles, so the radius is in screen pixels and markers do not overlap.
import Supercluster, { type AnyProps } from 'supercluster';

export type PointTriple = [number, number, number];

export interface PointProps {
  id: number;
}

export type ClusterIndex = Supercluster<PointProps, AnyProps>;

/** What the map draws: a cluster (with its id and count) or a single read. */
export type MapFeature =
  | { kind: 'cluster'; lat: number; lon: number; clusterId: number; count: number }
  | { kind: 'read'; lat: number; lon: number; id: number };

/** [west, south, east, north] in degrees. */
export type BBox = [number, number, number, number];

/** id, lat, lon triples packed into one array that can be handed to a worker without copying. */
export function packPoints(points: readonly PointTriple[]): Float64Array {
  const out = new Float64Array(points.length * 3);
  points.forEach(([id, lat, lon], i) => {
    out[i * 3] = id;
    out[i * 3 + 1] = lat;
    out[i * 3 + 2] = lon;
  });
  return out;
}

export function unpackPoints(packed: Float64Array): PointTriple[] {
  const out: PointTriple[] = [];
  for (let i = 0; i + 2 < packed.length; i += 3) out.push([packed[i]!, packed[i + 1]!, packed[i + 2]!]);
  return out;
}

/** The clusters and single reads of an index inside a box at a zoom level. */
export function featuresIn(index: ClusterIndex, bbox: BBox, zoom: number): MapFeature[] {
  return index.getClusters(bbox, zoom).map((f) => {
    const [lon, lat] = f.geometry.coordinates as [number, number];
    const p = f.properties as { cluster?: boolean; cluster_id?: number; point_count?: number; id?: number };
    return p.cluster && p.cluster_id !== undefined
      ? { kind: 'cluster' as const, lat, lon, clusterId: p.cluster_id, count: p.point_count ?? 0 }
      : { kind: 'read' as const, lat, lon, id: p.id ?? 0 };
  });
}

export function buildIndex(points: readonly PointTriple[]): ClusterIndex {
  const index = new Supercluster<PointProps, AnyProps>({
    radius: 60,
    extent: 256,
    maxZoom: 17,
    minPoints: 2,
  });
  index.load(
    points.map(([id, lat, lon]) => ({
      type: 'Feature' as const,
      properties: { id },
      geometry: { type: 'Point' as const, coordinates: [lon, lat] },
    })),
  );
  return index;
}

/** South-west and north-east corners of the points, or null for none. */
export function boundsOf(points: readonly PointTriple[]): [[number, number], [number, number]] | null {
  if (points.length === 0) return null;
  let s = 90;
  let w = 180;
  let n = -90;
  let e = -180;
  for (const [, lat, lon] of points) {
    if (lat < s) s = lat;
    if (lat > n) n = lat;
    if (lon < w) w = lon;
    if (lon > e) e = lon;
  }
  return [
    [s, w],
    [n, e],
  ];
}

/** Marker diameter for a cluster of `count` points: grows with the log so big ones stay readable. */
export function clusterSize(count: number): number {
  return Math.round(26 + Math.min(22, Math.log10(Math.max(1, count)) * 6));
}
