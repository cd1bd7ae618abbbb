// Where the map gets its clusters: the worker when the page can start one, otherwise the same
// index in the page (slower to build, same answers). Both speak promises, so MapView does not
// care which it has.
import {
  buildIndex,
  featuresIn,
  packPoints,
  type BBox,
  type ClusterIndex,
  type MapFeature,
  type PointTriple,
} from './clusters';
import type { ClusterRequest, ClusterResponse } from './clusterProtocol';

export interface ClusterSource {
  /** Where the index lives, published on the map element for tests and support. */
  readonly kind: 'worker' | 'page';
  load(points: readonly PointTriple[]): Promise<void>;
  query(bbox: BBox, zoom: number): Promise<MapFeature[]>;
  expansionZoom(clusterId: number): Promise<number>;
  dispose(): void;
}

type Pending = { resolve(r: ClusterResponse): void; reject(e: Error): void };
type Body<T extends ClusterRequest['type']> = Omit<Extract<ClusterRequest, { type: T }>, 'seq'>;

class WorkerSource implements ClusterSource {
  readonly kind = 'worker';
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<ClusterResponse>) => {
      const p = this.pending.get(e.data.seq);
      if (!p) return;
      this.pending.delete(e.data.seq);
      if (e.data.type === 'error') p.reject(new Error(e.data.message));
      else p.resolve(e.data);
    };
    worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(e.message || 'clustering worker failed'));
      this.pending.clear();
    };
  }

  private send<T extends ClusterRequest['type']>(
    body: Body<T>,
    transfer: Transferable[] = [],
  ): Promise<ClusterResponse> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...body, seq }, transfer);
    });
  }

  async load(points: readonly PointTriple[]): Promise<void> {
    const packed = packPoints(points);
    await this.send<'load'>({ type: 'load', packed }, [packed.buffer]);
  }

  async query(bbox: BBox, zoom: number): Promise<MapFeature[]> {
    const r = await this.send<'query'>({ type: 'query', bbox, zoom });
    return r.type === 'features' ? r.features : [];
  }

  async expansionZoom(clusterId: number): Promise<number> {
    const r = await this.send<'expand'>({ type: 'expand', clusterId });
    return r.type === 'zoom' ? r.zoom : 0;
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('map closed'));
    this.pending.clear();
  }
}

class LocalSource implements ClusterSource {
  readonly kind = 'page';
  private index: ClusterIndex | null = null;
  async load(points: readonly PointTriple[]): Promise<void> {
    this.index = buildIndex(points);
  }
  async query(bbox: BBox, zoom: number): Promise<MapFeature[]> {
    return this.index ? featuresIn(this.index, bbox, zoom) : [];
  }
  async expansionZoom(clusterId: number): Promise<number> {
    return this.index ? this.index.getClusterExpansionZoom(clusterId) : 0;
  }
  dispose(): void {
    this.index = null;
  }
}

export function createClusterSource(): ClusterSource {
  try {
    return new WorkerSource(new Worker(new URL('./clusterWorker.ts', import.meta.url), { type: 'module' }));
  } catch {
    return new LocalSource();
  }
}
