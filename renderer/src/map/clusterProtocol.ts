// Messages between the map and its clustering worker. Every request carries a sequence number
// that its answer repeats, so the map can match answers and drop stale ones.
import type { BBox, MapFeature } from './clusters';

export type ClusterRequest =
  | { seq: number; type: 'load'; packed: Float64Array }
  | { seq: number; type: 'query'; bbox: BBox; zoom: number }
  | { seq: number; type: 'expand'; clusterId: number };

export type ClusterResponse =
  | { seq: number; type: 'loaded'; count: number }
  | { seq: number; type: 'features'; features: MapFeature[] }
  | { seq: number; type: 'zoom'; zoom: number }
  | { seq: number; type: 'error'; message: string };
