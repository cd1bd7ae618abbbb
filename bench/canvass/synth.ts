// Synthetic but realistic reads for the canvass benchmark: each released plate hash maps to a
// stable US-style plate (seeded, so every build is the same), repeated weeks keep the regular
// vehicles and replace the one-off ones, and each read gets per-character confidences and
// alternatives with the look-alike errors real readers make.
import type { NewRead } from '../../electron/core/reads/store';
import { CONFUSION_GROUPS } from '../../electron/core/canvass/confusions';
import type { WeekRow } from './seattle';

/** FNV-1a, 32 bit: a stable seed from text. */
export function fnv32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small seeded generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const L = 'ABCDEFGHJKLMNPRSTUVWXYZ'; // plates avoid I, O, Q in most states
const D = '0123456789';
const pick = (r: () => number, s: string) => s[Math.floor(r() * s.length)]!;

/** State styles, weighted towards Washington (the data is Seattle's). */
const STYLES: { state: string; weight: number; shape: string }[] = [
  { state: 'WA', weight: 62, shape: 'LLLDDDD' },
  { state: 'CA', weight: 12, shape: 'DLLLDDD' },
  { state: 'OR', weight: 10, shape: 'DDDLLL' },
  { state: 'ID', weight: 5, shape: 'DLDDDDD' },
  { state: 'BC', weight: 4, shape: 'LLDDDDL' },
  { state: 'TX', weight: 4, shape: 'LLLDDDD' },
  { state: 'AK', weight: 3, shape: 'LLLDDD' },
];
const STYLE_TOTAL = STYLES.reduce((s, x) => s + x.weight, 0);
const COLORS = [
  'white',
  'white',
  'black',
  'black',
  'silver',
  'silver',
  'gray',
  'gray',
  'blue',
  'red',
  'green',
  'brown',
  'gold',
  'yellow',
];

export interface Vehicle {
  plate: string;
  state: string;
  color: string;
}

export function vehicleFor(seed: number): Vehicle {
  const r = rng(seed);
  let w = r() * STYLE_TOTAL;
  let style = STYLES[0]!;
  for (const s of STYLES) {
    if ((w -= s.weight) < 0) {
      style = s;
      break;
    }
  }
  let plate = '';
  for (const c of style.shape) plate += c === 'L' ? pick(r, L) : pick(r, D);
  return { plate, state: style.state, color: COLORS[Math.floor(r() * COLORS.length)]! };
}

const LOOK: Map<string, string> = new Map(
  CONFUSION_GROUPS.flatMap((g) => [...g].map((c) => [c, g.replace(c, '')] as const)),
);

/** A look-alike of `c` a reader could print instead, or null if it has none. */
function lookAlike(r: () => number, c: string): string | null {
  const others = LOOK.get(c);
  return others ? pick(r, others) : null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export interface SynthOptions {
  /** Share of one-off vehicles (seen once in the real week) that are regulars across weeks. */
  regularShare: number;
  /** Share of reads whose printed text has one look-alike error. */
  misreadShare: number;
  /** Share of correct reads that still carry an alternative reading. */
  altShare: number;
}

export const DEFAULT_SYNTH: SynthOptions = { regularShare: 0.35, misreadShare: 0.05, altShare: 0.2 };

/** Counts of each hash in the week: vehicles seen twice or more are regulars every week. */
export function hashCounts(rows: WeekRow[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.hash, (m.get(r.hash) ?? 0) + 1);
  return m;
}

/** The read for row `row` of week `week` (ts shifted by whole weeks). */
export function synthRead(
  row: WeekRow,
  week: number,
  index: number,
  counts: Map<string, number>,
  o: SynthOptions,
): NewRead {
  const hseed = fnv32(row.hash);
  const regular = (counts.get(row.hash) ?? 1) > 1 || (hseed % 1000) / 1000 < o.regularShare;
  const v = vehicleFor(regular ? hseed : fnv32(row.hash, week + 1));
  const r = rng(fnv32(row.hash, 0x9e3779b9 ^ (week * 100_003 + index)));
  const n = v.plate.length;
  const conf: number[] = [];
  for (let i = 0; i < n; i++) conf.push(round2(0.86 + r() * 0.135));
  let text = v.plate;
  let alternatives: { text: string; confidence: number }[] | null = null;
  const u = r();
  if (u < o.misreadShare) {
    // The reader printed a look-alike; its confidence there is low and the truth is an alternative.
    const i = Math.floor(r() * n);
    const wrong = lookAlike(r, v.plate[i]!);
    if (wrong) {
      text = v.plate.slice(0, i) + wrong + v.plate.slice(i + 1);
      conf[i] = round2(0.3 + r() * 0.3);
      alternatives = [{ text: v.plate, confidence: round2(0.2 + r() * 0.3) }];
    }
  } else if (u < o.misreadShare + o.altShare) {
    const i = Math.floor(r() * n);
    const alt = lookAlike(r, v.plate[i]!);
    if (alt) {
      conf[i] = round2(0.55 + r() * 0.3);
      alternatives = [
        { text: v.plate.slice(0, i) + alt + v.plate.slice(i + 1), confidence: round2(0.05 + r() * 0.25) },
      ];
    }
  }
  const overall = round2(conf.reduce((a, b) => Math.min(a, b), 1));
  return {
    plate: text,
    confidence: overall,
    charConfidences: conf,
    alternatives,
    state: v.state,
    ts: row.ts + week * 7 * 86_400_000,
    lat: row.lat,
    lon: row.lon,
    source: row.device,
    sourceKind: 'mobile',
    color: v.color,
  };
}
