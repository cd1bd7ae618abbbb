// Clustering of map points with supercluster: the index is built once per result (fast for
// 100k points) and asked for the clusters in view on every move or zoom. Extent 256 matches
// Leaflet's 256-px tiles, so the radius is in screen pixels and markers do not overlap.
import Supercluster, { type AnyProps } from 'supercluster';

export type PointTriple = [number, number, number];

export interface PointProps {
  id: number;
}

export type ClusterIndex = Supercluster<PointProps, AnyProps>;

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
