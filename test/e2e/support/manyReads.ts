// Many reads that one canvass search returns together: `plates` plates (prefix + 4 digits, e.g.
// 7AB0000…7AB0499), `readsPerPlate` reads each, scattered (seeded) over a disc around one point
// in the last day. Used by the canvass map e2e test and `canvass bench map` (10,000 markers).
import { rng } from '../../../bench/canvass/synth';

export const SCENE = { lat: 47.6097, lon: -122.3331 };

export interface ManyReads {
  prefix: string;
  plates: number;
  readsPerPlate: number;
  radiusM?: number;
  seed?: number;
}

/** A Canvass CSV (the import's own format) with plates × readsPerPlate reads. */
export function manyReadsCsv({ prefix, plates, readsPerPlate, radiusM = 2000, seed = 4 }: ManyReads): string {
  const rnd = rng(seed);
  const now = Date.now();
  const mPerDegLat = 111_320;
  const mPerDegLon = mPerDegLat * Math.cos((SCENE.lat * Math.PI) / 180);
  const rows = ['plate,timestamp,lat,lon,source,state,confidence,heading,color'];
  const colors = ['silver', 'white', 'black', 'grey', 'blue', 'red'];
  for (let p = 0; p < plates; p++) {
    const plate = prefix + String(p).padStart(4, '0');
    for (let k = 0; k < readsPerPlate; k++) {
      // uniform in the disc: sqrt of a uniform radius fraction
      const r = radiusM * Math.sqrt(rnd());
      const a = 2 * Math.PI * rnd();
      const lat = SCENE.lat + (r * Math.sin(a)) / mPerDegLat;
      const lon = SCENE.lon + (r * Math.cos(a)) / mPerDegLon;
      const ts = new Date(now - 86_400_000 + Math.floor(rnd() * 86_000_000)).toISOString();
      const cam = `Cam ${1 + Math.floor(rnd() * 40)}`;
      const conf = (0.85 + rnd() * 0.14).toFixed(2);
      rows.push(
        [plate, ts, lat.toFixed(6), lon.toFixed(6), cam, 'WA', conf, '', colors[p % colors.length]].join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}
