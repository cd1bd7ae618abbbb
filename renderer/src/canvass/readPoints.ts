// The canvass results as flat arrays for the map (one entry per read with a position), and a
// grid over their pixel positions for hit tests. Built once per result set, so 10,000 reads cost
// a few typed arrays instead of 10,000 Leaflet layers; pure, so it is unit-tested without a DOM.
import type { CanvassReadDto, CanvassResultDto } from '../../../electron/api/types-canvass';

export interface ReadPoints {
  n: number;
  lat: Float64Array;
  lon: Float64Array;
  /** Index of the read's plate in `plates` (the result order). */
  plate: Int32Array;
  plates: string[];
  reads: CanvassReadDto[];
}

export const NO_POINTS: ReadPoints = {
  n: 0,
  lat: new Float64Array(0),
  lon: new Float64Array(0),
  plate: new Int32Array(0),
  plates: [],
  reads: [],
};

/** Every read with a position, in result order (best plate first). */
export function pointsOf(results: CanvassResultDto[]): ReadPoints {
  let n = 0;
  for (const r of results) for (const x of r.reads) if (x.lat !== null && x.lon !== null) n++;
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  const plate = new Int32Array(n);
  const reads: CanvassReadDto[] = new Array<CanvassReadDto>(n);
  let i = 0;
  results.forEach((r, p) => {
    for (const x of r.reads) {
      if (x.lat === null || x.lon === null) continue;
      lat[i] = x.lat;
      lon[i] = x.lon;
      plate[i] = p;
      reads[i] = x;
      i++;
    }
  });
  return { n, lat, lon, plate, plates: results.map((r) => r.plate), reads };
}

/** [[south, west], [north, east]] of the points, or null when there are none. */
export function extentOf(p: ReadPoints): [[number, number], [number, number]] | null {
  if (!p.n) return null;
  let s = Infinity;
  let w = Infinity;
  let n = -Infinity;
  let e = -Infinity;
  for (let i = 0; i < p.n; i++) {
    s = Math.min(s, p.lat[i]!);
    n = Math.max(n, p.lat[i]!);
    w = Math.min(w, p.lon[i]!);
    e = Math.max(e, p.lon[i]!);
  }
  return [
    [s, w],
    [n, e],
  ];
}

/**
 * Points bucketed by pixel cell (at one zoom). `topmost` answers "which marker is under the
 * mouse" the way the layer draws them: the selected plate's reads on top, then later reads
 * over earlier ones.
 */
export class PixelGrid {
  private readonly cells = new Map<number, number[]>();

  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    private readonly cell = 32,
  ) {
    for (let i = 0; i < xs.length; i++) {
      const k = this.key(Math.floor(xs[i]! / cell), Math.floor(ys[i]! / cell));
      const list = this.cells.get(k);
      if (list) list.push(i);
      else this.cells.set(k, [i]);
    }
  }

  private key(cx: number, cy: number): number {
    // pixel coordinates stay below 2^28 up to zoom 20: cells fit 2^24 each way
    return (cx + 2 ** 23) * 2 ** 25 + (cy + 2 ** 23);
  }

  /** The topmost point within `radius` px of (x, y), or -1. `onTop(i)`: drawn last. */
  topmost(x: number, y: number, radius: number, onTop: (i: number) => boolean = () => false): number {
    const c = this.cell;
    let best = -1;
    let bestTop = false;
    const r2 = radius * radius;
    for (let cx = Math.floor((x - radius) / c); cx <= Math.floor((x + radius) / c); cx++) {
      for (let cy = Math.floor((y - radius) / c); cy <= Math.floor((y + radius) / c); cy++) {
        const list = this.cells.get(this.key(cx, cy));
        if (!list) continue;
        for (const i of list) {
          const dx = this.xs[i]! - x;
          const dy = this.ys[i]! - y;
          if (dx * dx + dy * dy > r2) continue;
          const top = onTop(i);
          if (best < 0 || (top && !bestTop) || (top === bestTop && i > best)) {
            best = i;
            bestTop = top;
          }
        }
      }
    }
    return best;
  }
}
