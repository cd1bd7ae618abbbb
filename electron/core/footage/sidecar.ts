// Sidecar position tracks for footage: GPX, NMEA (RMC sentences) or CSV time/lat/lon, read
// into one sorted list of fixes, and the position (and heading) at any instant by linear
// interpolation. An instant outside the track, or in a gap of the track, has no position:
// a guess would be worse than none on evidence.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseNmeaSentence } from 'nmea-simple';
import Papa from 'papaparse';
import { CanvassError } from '../errors';

export interface Fix {
  t: number;
  lat: number;
  lon: number;
}

export interface PositionTrack {
  format: 'gpx' | 'nmea' | 'csv';
  fixes: Fix[];
}

export interface Place {
  lat: number;
  lon: number;
  heading: number | null;
}

/** How far outside the track, or across a gap in it, an instant may be and still get a place. */
export const TRACK_TOLERANCE_MS = 10_000;

function bad(file: string, reason: string): CanvassError {
  return new CanvassError('import_failed', `${basename(file)}: ${reason}`, { file });
}

function valid(f: Fix): boolean {
  return Number.isFinite(f.t) && Math.abs(f.lat) <= 90 && Math.abs(f.lon) <= 180 && !(f.lat === 0 && f.lon === 0);
}

export function readTrack(file: string): PositionTrack {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw bad(file, `cannot read the track file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const ext = extname(file).toLowerCase();
  const head = text.trimStart().slice(0, 200);
  const format: PositionTrack['format'] =
    ext === '.gpx' || head.startsWith('<') ? 'gpx' : ext === '.nmea' || head.startsWith('$') ? 'nmea' : 'csv';
  const fixes = format === 'gpx' ? parseGpx(file, text) : format === 'nmea' ? parseNmea(text) : parseCsv(file, text);
  const sorted = fixes.filter(valid).sort((a, b) => a.t - b.t);
  if (sorted.length === 0) throw bad(file, `no usable time-stamped positions in this ${format.toUpperCase()} track`);
  return { format, fixes: sorted };
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

interface GpxPoint {
  '@_lat'?: string;
  '@_lon'?: string;
  time?: string;
}

function parseGpx(file: string, text: string): Fix[] {
  let doc: { gpx?: { trk?: unknown; rte?: unknown; wpt?: unknown } };
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(text, true) as typeof doc;
  } catch (e) {
    throw bad(file, `not valid GPX (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (!doc.gpx) throw bad(file, 'not a GPX file (no <gpx> element)');
  const points: GpxPoint[] = [];
  for (const trk of asArray(doc.gpx.trk as { trkseg?: unknown } | undefined)) {
    for (const seg of asArray(trk.trkseg as { trkpt?: GpxPoint | GpxPoint[] } | undefined)) points.push(...asArray(seg.trkpt));
  }
  for (const rte of asArray(doc.gpx.rte as { rtept?: GpxPoint | GpxPoint[] } | undefined)) points.push(...asArray(rte.rtept));
  points.push(...asArray(doc.gpx.wpt as GpxPoint | GpxPoint[] | undefined));
  return points.map((p) => ({ t: p.time ? Date.parse(String(p.time)) : NaN, lat: Number(p['@_lat']), lon: Number(p['@_lon']) }));
}

function parseNmea(text: string): Fix[] {
  const out: Fix[] = [];
  for (const line of text.split(/\r?\n/)) {
    const s = line.trim();
    if (!/^\$..RMC,/.test(s)) continue; // RMC carries date, time and position together
    try {
      const p = parseNmeaSentence(s);
      if (p.sentenceId === 'RMC' && p.status === 'valid') out.push({ t: p.datetime.getTime(), lat: p.latitude, lon: p.longitude });
    } catch {
      // a garbled sentence (bad checksum, cut line) is skipped; the rest of the track stands
    }
  }
  return out;
}

function parseCsv(file: string, text: string): Fix[] {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim().toLowerCase() });
  const fields = parsed.meta.fields ?? [];
  const pick = (names: string[]) => fields.find((f) => names.includes(f));
  const tCol = pick(['time', 'timestamp', 'datetime', 'date_time', 'utc', 'ts']);
  const latCol = pick(['lat', 'latitude']);
  const lonCol = pick(['lon', 'lng', 'long', 'longitude']);
  if (!tCol || !latCol || !lonCol) {
    throw bad(file, `a CSV track needs time, lat and lon columns (found: ${fields.join(', ') || 'none'})`);
  }
  return parsed.data.map((r) => ({ t: parseTime(r[tCol] ?? ''), lat: Number(r[latCol]), lon: Number(r[lonCol]) }));
}

/** ISO 8601 (a time without an offset is taken as UTC) or epoch seconds/milliseconds. */
function parseTime(s: string): number {
  const v = s.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n > 1e11 ? n : n * 1000;
  }
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

function bearing(a: Fix, b: Fix): number | null {
  if (a.lat === b.lat && a.lon === b.lon) return null;
  const r = Math.PI / 180;
  const y = Math.sin((b.lon - a.lon) * r) * Math.cos(b.lat * r);
  const x = Math.cos(a.lat * r) * Math.sin(b.lat * r) - Math.sin(a.lat * r) * Math.cos(b.lat * r) * Math.cos((b.lon - a.lon) * r);
  return Math.round(((Math.atan2(y, x) / r + 360) % 360) * 10) / 10;
}

/** The place at instant `t`, or null when the track does not cover it. */
export function placeAt(track: PositionTrack, t: number): Place | null {
  const f = track.fixes;
  const first = f[0]!;
  const last = f[f.length - 1]!;
  if (t < first.t - TRACK_TOLERANCE_MS || t > last.t + TRACK_TOLERANCE_MS) return null;
  if (f.length === 1) return { lat: first.lat, lon: first.lon, heading: null };
  if (t <= first.t) return { lat: first.lat, lon: first.lon, heading: bearing(first, f[1]!) };
  if (t >= last.t) return { lat: last.lat, lon: last.lon, heading: bearing(f[f.length - 2]!, last) };
  let lo = 0;
  let hi = f.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (f[mid]!.t <= t) lo = mid;
    else hi = mid;
  }
  const a = f[lo]!;
  const b = f[hi]!;
  if (b.t - a.t > 2 * TRACK_TOLERANCE_MS) return null; // the receiver lost its fix here
  const k = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
  const round = (x: number) => Math.round(x * 1e7) / 1e7;
  return { lat: round(a.lat + (b.lat - a.lat) * k), lon: round(a.lon + (b.lon - a.lon) * k), heading: bearing(a, b) };
}
