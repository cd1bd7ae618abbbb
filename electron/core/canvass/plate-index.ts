// The plate index behind partial-plate canvasses (R11, DESIGN "a plate index that answers
// wildcard and misread-tolerant patterns without scanning every read").
//
// canvass_plates: one row per distinct plate text with its read count and first/last time,
// so a canvass ranks plates without touching their reads; it is indexed by the text (answers
// `7AB*` as a range) and by the reversed text (answers `*123` as a range). canvass_grams: for
// each distinct text, its adjacent character pairs keyed by position (`7ABC123` → 0:7A, 1:AB,
// … 5:23), for the patterns whose known characters sit in the middle (`?ABC1??`, `*BC1*`).
// A search counts what each way would return and takes the cheapest; only those plates are
// checked against the full pattern. Grams are written only when a text is first seen, sorted
// by key, so most reads cost one summary upsert. Layout chosen by measurement: docs/canvass.md.
import type { Database, Statement } from 'better-sqlite3';
import { MAX_PLATE_CHARS, parsePattern, PLATE_ALPHABET, tokenChars, tokenText, type Pattern, type Token } from './pattern';
import { widenToken } from './confusions';

const CHAR_INDEX: ReadonlyMap<string, number> = new Map([...PLATE_ALPHABET].map((c, i) => [c, i]));

/** Key of the pair (a, b) starting at 0-based position `pos`. */
export function gramKey(pos: number, a: string, b: string): number {
  return (pos * 36 + CHAR_INDEX.get(a)!) * 36 + CHAR_INDEX.get(b)!;
}

const INDEXABLE = /^[A-Z0-9]{2,10}$/;

/** The keys written for one plate text (none for hashed or odd texts: those are found by exact lookup). */
export function gramsOf(text: string): number[] {
  if (!INDEXABLE.test(text)) return [];
  const keys: number[] = [];
  for (let i = 0; i + 1 < text.length; i++) keys.push(gramKey(i, text[i]!, text[i + 1]!));
  return keys;
}

export const reverse = (s: string) => [...s].reverse().join('');

export interface PlateIndexWriter {
  add(plate: string, ts: number): void;
  /** Writes what was added; call inside the same transaction as the reads. */
  flush(): void;
}

/**
 * The hook insertReads calls: collects the batch's plates in memory (a batch repeats plates)
 * and writes one summary upsert per distinct plate, then the grams of the new texts in key
 * order (a sorted insert touches each B-tree page once instead of jumping about).
 */
export function plateIndexWriter(db: Database): PlateIndexWriter {
  const pending = new Map<string, { n: number; first: number; last: number }>();
  return {
    add(plate, ts) {
      const p = pending.get(plate);
      if (!p) pending.set(plate, { n: 1, first: ts, last: ts });
      else {
        p.n++;
        if (ts < p.first) p.first = ts;
        if (ts > p.last) p.last = ts;
      }
    },
    flush() {
      if (pending.size === 0) return;
      const upsert = db.prepare(
        `INSERT INTO canvass_plates (text, rtext, reads, first_ts, last_ts) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (text) DO UPDATE SET reads = reads + excluded.reads,
           first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)
         RETURNING id, reads`,
      );
      const grams: number[] = []; // key * 2^26 + plate id, sorted as one number list
      for (const [text, p] of pending) {
        const row = upsert.get(text, reverse(text), p.n, p.first, p.last) as { id: number; reads: number };
        if (row.reads === p.n) for (const k of gramsOf(text)) grams.push(k * GRAM_ID_SPAN + row.id);
      }
      pending.clear();
      if (grams.length === 0) return;
      grams.sort((a, b) => a - b);
      const ins = db.prepare('INSERT OR IGNORE INTO canvass_grams (key, plate_id) VALUES (?, ?)');
      for (const g of grams) ins.run(Math.floor(g / GRAM_ID_SPAN), g % GRAM_ID_SPAN);
    },
  };
}

/** Plate ids are packed with their key for sorting; 2^36 distinct texts is far beyond a workstation. */
const GRAM_ID_SPAN = 2 ** 36;

export interface PlateRow {
  id: number;
  text: string;
  reads: number;
  first_ts: number;
  last_ts: number;
}

interface Placed {
  tok: Token;
  /** Characters the token allows ('' for `?`: any). */
  chars: string;
  /** 0-based offset from the start, when no `*` comes before. */
  start: number | null;
  /** 0-based offset from the end, when no `*` comes after. */
  end: number | null;
  /** Earliest and latest start offset possible. */
  minStart: number;
  maxStart: number;
}

function place(p: Pattern): Placed[] {
  const toks = p.tokens;
  const out: Placed[] = [];
  let fixedBefore = 0;
  let anyBefore = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'any') {
      anyBefore = true;
      continue;
    }
    const anyAfter = toks.slice(i + 1).some((x) => x.kind === 'any');
    const fixedAfter = p.minLength - fixedBefore - 1;
    out.push({
      tok: t,
      chars: t.kind === 'one' ? '' : tokenChars(t),
      start: anyBefore ? null : fixedBefore,
      end: anyAfter ? null : fixedAfter,
      minStart: fixedBefore,
      maxStart: MAX_PLATE_CHARS - 1 - fixedAfter,
    });
    fixedBefore++;
  }
  return out;
}

/** One way to find candidates: text ranges, reversed-text ranges, or an AND of ORs of pair keys. */
export type Source =
  | { kind: 'prefix'; values: string[] }
  | { kind: 'suffix'; values: string[] }
  | { kind: 'pairs'; entries: number[][] };

const MAX_KEYS_PER_ENTRY = 400;
/** One `?` (36 values) inside a prefix or suffix still beats a loose pair list. */
const MAX_AFFIXES = 72;
const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);

function product(parts: string[]): string[] | null {
  let out = [''];
  for (const chars of parts) {
    if (out.length * chars.length > MAX_AFFIXES) return null;
    out = out.flatMap((x) => [...chars].map((c) => x + c));
  }
  return out;
}

/** Trims trailing `?` parts (they add values, not selectivity) and expands the rest. */
function affixes(parts: string[]): string[] | null {
  while (parts.length && parts[parts.length - 1] === PLATE_ALPHABET) parts.pop();
  return parts.length >= 2 ? product(parts) : null;
}

/** The ways to find the candidates of one (plain) pattern. */
export function sourcesFor(p: Pattern): Source[] {
  const placed = place(p);
  const out: Source[] = [];
  const head: string[] = [];
  for (let i = 0; i < placed.length && placed[i]!.start !== null; i++) head.push(placed[i]!.chars || PLATE_ALPHABET);
  const tail: string[] = [];
  for (let i = placed.length - 1; i >= 0 && placed[i]!.end !== null; i--) tail.push(placed[i]!.chars || PLATE_ALPHABET);
  const pre = affixes(head);
  if (pre) out.push({ kind: 'prefix', values: pre });
  const suf = affixes(tail);
  if (suf) out.push({ kind: 'suffix', values: suf });
  const entries: number[][] = [];
  for (let ia = 0; ia + 1 < placed.length; ia++) {
    const a = placed[ia]!;
    const b = placed[ia + 1]!;
    if (!a.chars || !b.chars || p.tokens.indexOf(b.tok) !== p.tokens.indexOf(a.tok) + 1) continue;
    const offs = (
      a.start !== null
        ? [a.start]
        : a.end !== null
          ? range(p.minLength, p.maxLength).map((L) => L - 1 - a.end!)
          : range(a.minStart, a.maxStart)
    ).filter((o) => o >= 0 && o <= MAX_PLATE_CHARS - 2);
    if (offs.length === 0 || offs.length * a.chars.length * b.chars.length > MAX_KEYS_PER_ENTRY) continue;
    const keys: number[] = [];
    for (const o of offs) for (const x of a.chars) for (const y of b.chars) keys.push(gramKey(o, x, y));
    entries.push(keys);
  }
  if (entries.length) out.push({ kind: 'pairs', entries });
  return out;
}

/**
 * The plain patterns a tolerant search looks up: the pattern with every known character
 * widened to its look-alikes, and the pattern with one character dropped or one `?` added
 * (the reader missed or invented a character). Exact mode looks up the pattern alone.
 */
export function variants(p: Pattern, tolerant: boolean): Pattern[] {
  if (!tolerant) return [p];
  const text = (toks: Token[]) => toks.map(tokenText).join('');
  const widened = p.tokens.map((t) => (t.kind === 'lit' || t.kind === 'class' ? `[${widenToken(t)}]` : tokenText(t))).join('');
  const out = new Map<string, Pattern>([[widened, parsePattern(widened)]]);
  const add = (s: string) => {
    if (!out.has(s) && s.replace(/\*/g, '').length > 0) {
      const v = parsePattern(s);
      if (v.minLength >= 1) out.set(v.canonical, v);
    }
  };
  const toks = p.tokens;
  for (let i = 0; i < toks.length; i++) if (toks[i]!.kind !== 'any') add(text([...toks.slice(0, i), ...toks.slice(i + 1)]));
  if (p.minLength < MAX_PLATE_CHARS) {
    for (let i = 0; i <= toks.length; i++) {
      // next to a `*` an added character is already covered by the `*`
      if (toks[i - 1]?.kind === 'any' || toks[i]?.kind === 'any') continue;
      add(text([...toks.slice(0, i), { kind: 'one', pos: 0 }, ...toks.slice(i)]));
    }
  }
  return [...out.values()];
}

const SELECT_PLATE = 'SELECT id, text, reads, first_ts, last_ts FROM canvass_plates';
const POSTING = 'SELECT plate_id FROM canvass_grams WHERE key IN (SELECT value FROM json_each(?))';

/** Statements of one search, prepared once. */
function statements(db: Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    // Counts stop at COUNT_CAP: past that a source is "big" and the exact size does not matter.
    countPrefix: p(`SELECT count(*) AS n FROM (SELECT 1 FROM canvass_plates WHERE text >= ? AND text < ? LIMIT ${COUNT_CAP})`),
    countSuffix: p(`SELECT count(*) AS n FROM (SELECT 1 FROM canvass_plates WHERE rtext >= ? AND rtext < ? LIMIT ${COUNT_CAP})`),
    countKeys: p(`SELECT count(*) AS n FROM (SELECT 1 FROM canvass_grams WHERE key IN (SELECT value FROM json_each(?)) LIMIT ${COUNT_CAP})`),
    prefix: p(`${SELECT_PLATE} WHERE text >= ? AND text < ?`),
    suffix: p(`${SELECT_PLATE} WHERE rtext >= ? AND rtext < ?`),
    pairs: [1, 2, 3].map((k) => p(`${SELECT_PLATE} WHERE id IN (${Array.from({ length: k }, () => POSTING).join(' INTERSECT ')})`)),
  };
}
type Stmts = ReturnType<typeof statements>;

const HIGH = '\uffff';
const COUNT_CAP = 20_000;
/** A text range this small is taken without counting the pair lists (which can be long). */
const GOOD_ENOUGH = 1_000;
const num = (s: Statement, ...a: unknown[]) => (s.get(...a) as { n: number }).n;

/** Counts what a source would return (for pairs: its shortest posting list), memoized. */
function estimate(s: Stmts, src: Source, memo: Map<string, number>): number {
  const key = JSON.stringify(src);
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  let n: number;
  if (src.kind === 'prefix') n = src.values.reduce((t, v) => t + num(s.countPrefix, v, v + HIGH), 0);
  else if (src.kind === 'suffix') n = src.values.reduce((t, v) => t + num(s.countSuffix, v, v + HIGH), 0);
  else n = Math.min(...src.entries.map((e) => entryCount(s, e, memo)));
  memo.set(key, n);
  return n;
}

function entryCount(s: Stmts, keys: number[], memo: Map<string, number>): number {
  const j = JSON.stringify(keys);
  let n = memo.get(j);
  if (n === undefined) memo.set(j, (n = num(s.countKeys, j)));
  return n;
}

function fetch(s: Stmts, src: Source, memo: Map<string, number>): PlateRow[] {
  if (src.kind === 'prefix') return src.values.flatMap((v) => s.prefix.all(v, v + HIGH) as PlateRow[]);
  if (src.kind === 'suffix') return src.values.flatMap((v) => s.suffix.all(v, v + HIGH) as PlateRow[]);
  const sized = src.entries.map((e) => ({ j: JSON.stringify(e), n: entryCount(s, e, memo) })).sort((a, b) => a.n - b.n);
  // Each list intersected costs a scan of it: take the second and third only when they are short enough to pay off.
  let take = 1;
  if (sized[0]!.n > 1500 && sized[1]) take = sized[2] && sized[2].n <= 8 * sized[1].n ? 3 : 2;
  return s.pairs[take - 1]!.all(...sized.slice(0, take).map((x) => x.j)) as PlateRow[];
}

/**
 * Distinct plate texts that may match: a superset the caller checks against the pattern.
 * A pattern with nothing to go on (`*`, `?A?`, a lone character) scans the plate summary.
 */
export function candidatePlates(db: Database, p: Pattern, tolerant: boolean): { rows: PlateRow[]; scanned: boolean } {
  if (!tolerant && !p.hasWildcard) {
    const row = db.prepare(`${SELECT_PLATE} WHERE text = ?`).get(p.canonical) as PlateRow | undefined;
    return { rows: row ? [row] : [], scanned: false };
  }
  const s = statements(db);
  const memo = new Map<string, number>();
  const all = variants(p, tolerant).map(sourcesFor);
  // A variant with nothing to go on (`*`, `?A?`, one character) means scanning the summary.
  if (all.some((x) => x.length === 0)) return { rows: db.prepare(SELECT_PLATE).all() as PlateRow[], scanned: true };
  const seen = new Map<number, PlateRow>();
  for (const sources of all) {
    // affixes first: their counts are cheap range scans; pair lists are counted only when needed
    const ordered = [...sources].sort((a, b) => (a.kind === 'pairs' ? 1 : 0) - (b.kind === 'pairs' ? 1 : 0));
    let best = ordered[0]!;
    let bestN = estimate(s, best, memo);
    for (const src of ordered.slice(1)) {
      if (bestN <= GOOD_ENOUGH) break;
      const n = estimate(s, src, memo);
      if (n < bestN) [best, bestN] = [src, n];
    }
    if (bestN === 0) continue;
    for (const r of fetch(s, best, memo)) seen.set(r.id, r);
  }
  return { rows: [...seen.values()], scanned: false };
}

/** Summary rows for exact texts (used by locate, convoy and alternatives). */
export function plateRows(db: Database, texts: string[]): PlateRow[] {
  if (texts.length === 0) return [];
  return db
    .prepare('SELECT id, text, reads, first_ts, last_ts FROM canvass_plates WHERE text IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(texts)) as PlateRow[];
}
