// The real Seattle week (../shared/data/seattle-alpr-week), read once into plain arrays for
// the canvass benchmark: time (UTC ms), position, device and the released plate hash.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';

export interface WeekRow {
  ts: number;
  lat: number | null;
  lon: number | null;
  device: string;
  hash: string;
}

export { SEATTLE_WEEK } from '../../test/support/shared-data';

/** Parses the `|`-separated export; times are Pacific local, resolved once per hour. */
export function loadSeattleWeek(path: string): WeekRow[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const lines = text.split('\n');
  const header = lines[0]!.split('|');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column ${name}`);
    return i;
  };
  const [cDt, cDev, cHash, cLon, cLat] = [
    col('dt'),
    col('device'),
    col('plate_hash'),
    col('lon'),
    col('lat'),
  ];
  const hours = new Map<string, number>();
  const rows: WeekRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split('|');
    if (f.length < header.length) continue;
    const dt = f[cDt]!; // MM/DD/YYYY - HH:MM:SS
    const hourKey = dt.slice(0, 15);
    let base = hours.get(hourKey);
    if (base === undefined) {
      base = DateTime.fromFormat(hourKey, 'MM/dd/yyyy - HH', { zone: 'America/Los_Angeles' }).toMillis();
      hours.set(hourKey, base);
    }
    const ts = base + (Number(dt.slice(16, 18)) * 60 + Number(dt.slice(19, 21))) * 1000;
    const lat = Number(f[cLat]);
    const lon = Number(f[cLon]);
    const hasPos = f[cLat] !== 'NA' && Number.isFinite(lat) && Number.isFinite(lon);
    rows.push({
      ts,
      lat: hasPos ? lat : null,
      lon: hasPos ? lon : null,
      device: f[cDev]!.trim(),
      hash: f[cHash]!,
    });
  }
  rows.sort((a, b) => a.ts - b.ts);
  return rows;
}
