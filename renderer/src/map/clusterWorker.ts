// The clustering worker: builds the supercluster index off the page's main thread (most of a
// second for 100k points) and answers the map's box queries. Its one piece of state, the
// index, lives in the closure of serve().
import { buildIndex, featuresIn, unpackPoints, type ClusterIndex } from './clusters';
import type { ClusterRequest, ClusterResponse } from './clusterProtocol';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ClusterRequest>) => void) | null;
  postMessage(message: ClusterResponse): void;
}

function serve(scope: WorkerScope): void {
  let index: ClusterIndex | null = null;
  scope.onmessage = (e) => {
    const req = e.data;
    try {
      switch (req.type) {
        case 'load': {
          const points = unpackPoints(req.packed);
          index = buildIndex(points);
          scope.postMessage({ seq: req.seq, type: 'loaded', count: points.length });
          break;
        }
        case 'query':
          scope.postMessage({
            seq: req.seq,
            type: 'features',
            features: index ? featuresIn(index, req.bbox, req.zoom) : [],
          });
          break;
        case 'expand':
          scope.postMessage({
            seq: req.seq,
            type: 'zoom',
            zoom: index ? index.getClusterExpansionZoom(req.clusterId) : 0,
          });
          break;
      }
    } catch (err) {
      scope.postMessage({
        seq: req.seq,
        type: 'error',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  };
}

serve(self as unknown as WorkerScope);
