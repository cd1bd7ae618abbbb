// The plate index behind partial-plate canvasses (R11, DESIGN "a plate index that answers
// wildcard and misread-tolerant patterns without scanning every read").
//
// Everything here is cut by era (reads/era.ts: 2^32 ms of read time), so that ingest writes
// only the newest, hot part of each B-tree (docs/canvass.md "Ingest"). canvass_texts: one row
// per distinct plate text (A-Z 0-9, 2-10 characters) per era it was read in, with its reverse.
// canvass_postings (migration 13): for each adjacent character pair keyed by position
// (`7ABC123` → 0:7A 1:AB … 5:23), the ids of the era's texts holding it, as rows of up to
// POSTING_MAX ids. A prefix (`7AB*`) is a range on the texts, a suffix (`*123`) a range on the
// reversed texts; known pairs anywhere else (`?ABC1??`, `*BC1*`) become posting lists, the
// shortest intersected — each once per era. A search estimates each way with a count (capped
// for ranges; a posting row carries its length) and takes the cheapest; only those texts are
// checked against the full pattern, and only the matching ones get their counts and first/last
// seen from reads_plate (era, plate, ts). Nothing is updated per read: a batch appends the
// (era, text) pairs it has not seen before and one posting row per pair key of their texts.
// Layout chosen by measurement: docs/canvass.md.
import type { Database } from 'better-sqlite3';
import {
  MAX_PLATE_CHARS,
  parsePattern,
  PLATE_ALPHABET,
  tokenChars,
  tokenText,
  type Pattern,
  type Token,
} from './pattern';
import { widenToken } from './confusions';
import { allEras, eraOf } from '../reads/era';

const CHAR_INDEX: ReadonlyMap<string, number> = new Map([...PLATE_ALPHABET].map((c, i) => [c, i]));
/** Pair positions 0..8. */
const POSITIONS = MAX_PLATE_CHARS - 1;

/**
 * Key of the pair (a, b) at 0-based `pos` from the start (anchor 0). Anchor 1 (from the end)
 * was written by migration 3 only; migration 4 replaced it by the reversed-text range.
 */
export function gramKey(anchor: 0 | 1, pos: number, a: string, b: string): number {
  return ((anchor * POSITIONS + pos) * 36 + CHAR_INDEX.get(a)!) * 36 + CHAR_INDEX.get(b)!;
}

const INDEXABLE = /^[A-Z0-9]{2,10}$/;
export const isIndexable = (text: string) => INDEXABLE.test(text);

/** The keys written for one plate text (none for hashed or odd texts: those are found by exact lookup). */
export function gramsOf(text: string): number[] {
  if (!INDEXABLE.test(text)) return [];
  const keys: number[] = [];
  for (let i = 0; i + 1 < text.length; i++) keys.push(gramKey(0, i, text[i]!, text[i + 1]!));
  return keys;
}

export const reverse = (s: string) => [...s].reverse().join('');

/** reverse() for an indexable (ASCII) text, without the code point iterator. */
function reverseAscii(s: string): string {
  let r = '';
  for (let i = s.length - 1; i >= 0; i--) r += s[i];
  return r;
}

export interface PlateIndexWriter {
  /** A read with this plate and time was just inserted. */
  add(plate: string, ts: number): void;
  /** Writes what was added; call inside the same transaction as the reads. */
  flush(): void;
}

/**
 * Grams of the texts with id > @after as canvass_grams rows (one per pair and text), computed
 * and sorted inside SQLite (gramKey's arithmetic spelled in SQL; a property test keeps the two
 * equal). Only migration 12 writes that table now; migration 13 replaced it by
 * canvass_postings (writePostings).
 */
const GRAMS_AFTER_SQL = `WITH RECURSIVE pos(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM pos WHERE i < 8)
  INSERT OR IGNORE INTO canvass_grams (era, key, text_id)
  SELECT t.era, (i * 36 + instr(@abc, substr(t.text, i + 1, 1)) - 1) * 36 + instr(@abc, substr(t.text, i + 2, 1)) - 1, t.id
  FROM canvass_texts t JOIN pos ON i + 1 < length(t.text)
  WHERE t.id > @after
  ORDER BY 1, 2, 3`;

/** Writes the grams of every text added after text id `after` (migration 12). */
export function writeGramsAfter(db: Database, after: number): void {
  db.prepare(GRAMS_AFTER_SQL).run({ abc: PLATE_ALPHABET, after });
}

/** Text ids per posting row at most, so a row stays within a few pages. */
const POSTING_MAX = 1024;
/** Rows per multi-row INSERT: one statement writes this many instead of one call each. */
const TEXT_CHUNK = 64;
const POSTING_CHUNK = 64;
/** Text ids stay below 2^32 (4 bytes each in a posting row); the packed sort in writePostings needs < 2^38. */
const ID_LIMIT = 2 ** 32;

const valuesSql = (head: string, cols: number, rows: number, tail = '') =>
  `${head} VALUES ${Array.from({ length: rows }, () => `(${Array(cols).fill('?').join(', ')})`).join(', ')}${tail}`;

/** Runs `sql(rows)` over `params` (`cols` per row) in chunks of `chunk` rows; returns the rows the statements return. */
function insertChunked(
  db: Database,
  sql: (rows: number) => string,
  cols: number,
  chunk: number,
  params: unknown[],
  returning: boolean,
): unknown[][] {
  const out: unknown[][] = [];
  const step = chunk * cols;
  const full = params.length >= step ? db.prepare(sql(chunk)) : null;
  for (let at = 0; at < params.length; at += step) {
    const whole = params.length - at >= step;
    const st = whole ? full! : db.prepare(sql((params.length - at) / cols));
    const args = params.slice(at, at + step);
    if (returning) for (const r of st.raw().all(args) as unknown[][]) out.push(r);
    else st.run(args);
  }
  return out;
}

/** Text ids as 4-byte little-endian integers (a posting row's `ids`). */
export function encodeIds(ids: ArrayLike<number>, from = 0, to = ids.length): Buffer {
  const b = Buffer.allocUnsafe((to - from) * 4);
  for (let i = from; i < to; i++) b.writeUInt32LE(ids[i]!, (i - from) * 4);
  return b;
}

export function decodeIds(b: Uint8Array, out: number[] = []): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 4 <= b.byteLength; o += 4) out.push(v.getUint32(o, true));
  return out;
}

/**
 * Writes the posting rows of new texts of one era (`texts`: [id, text], ids above every id
 * already in the era's lists): each pair key's ids, ascending, in rows of up to POSTING_MAX,
 * keyed (era, key, first id). One row per key per call instead of one per (key, text): a batch
 * of 100k reads writes ~10k rows, not ~240k entries (docs/canvass.md "Ingest").
 */
export function writePostings(db: Database, era: number, texts: [number, string][]): void {
  let n = 0;
  for (const [, t] of texts) if (INDEXABLE.test(t)) n += t.length - 1;
  // (key, id) packed in one double, key·2^38 + id: exact (key < 2^14) and sorted by both.
  const packed = new Float64Array(n);
  let k = 0;
  for (const [id, t] of texts) {
    if (!INDEXABLE.test(t)) continue;
    if (!(id < ID_LIMIT)) throw new Error(`canvass text id ${id} is beyond the posting format`);
    let prev = CHAR_INDEX.get(t[0]!)!;
    for (let i = 1; i < t.length; i++) {
      const c = CHAR_INDEX.get(t[i]!)!;
      packed[k++] = (((i - 1) * 36 + prev) * 36 + c) * ID_SPAN + id;
      prev = c;
    }
  }
  packed.sort();
  const params: unknown[] = [];
  const ids: number[] = [];
  for (let i = 0; i < n;) {
    const key = Math.floor(packed[i]! / ID_SPAN);
    ids.length = 0;
    for (; i < n && packed[i]! < (key + 1) * ID_SPAN; i++) ids.push(packed[i]! - key * ID_SPAN);
    for (let a = 0; a < ids.length; a += POSTING_MAX) {
      const b = Math.min(ids.length, a + POSTING_MAX);
      params.push(era, key, ids[a], b - a, encodeIds(ids, a, b));
    }
  }
  insertChunked(db, (m) => valuesSql(POSTINGS_HEAD, 5, m), 5, POSTING_CHUNK, params, false);
}
const ID_SPAN = 2 ** 38;
const POSTINGS_HEAD = 'INSERT INTO canvass_postings (era, key, first_id, n, ids)';

/** Writes the postings of every text with id > `after` (migration 13, the bench builder), era by era. */
export function writePostingsAfter(db: Database, after: number): void {
  const eras = db
    .prepare('SELECT DISTINCT era FROM canvass_texts WHERE id > ? ORDER BY era')
    .pluck()
    .all(after) as number[];
  const texts = db.prepare('SELECT id, text FROM canvass_texts WHERE era = ? AND id > ? ORDER BY id').raw();
  for (const era of eras) writePostings(db, era, texts.all(era, after) as [number, string][]);
}

const TEXTS_HEAD = 'INSERT INTO canvass_texts (era, text, rtext)';
const TEXTS_TAIL = ' ON CONFLICT (era, text) DO NOTHING RETURNING id, text';

/**
 * The hook insertReads calls. Per era, the batch's distinct texts go in sorted, in multi-row
 * statements that skip the texts already there (a probe of the era's hot part of the unique
 * index, not of all time) and return the rows they added; their postings follow
 * (writePostings).
 */
export function plateIndexWriter(db: Database): PlateIndexWriter {
  const byEra = new Map<number, Set<string>>();
  return {
    add(plate, ts) {
      if (!INDEXABLE.test(plate)) return;
      const era = eraOf(ts);
      let texts = byEra.get(era);
      if (!texts) byEra.set(era, (texts = new Set()));
      texts.add(plate);
    },
    flush() {
      for (const era of [...byEra.keys()].sort((a, b) => a - b)) {
        const params: unknown[] = [];
        for (const t of [...byEra.get(era)!].sort()) params.push(era, t, reverseAscii(t));
        const added = insertChunked(
          db,
          (n) => valuesSql(TEXTS_HEAD, 3, n, TEXTS_TAIL),
          3,
          TEXT_CHUNK,
          params,
          true,
        );
        if (added.length)
          writePostings(
            db,
            era,
            (added as [number, string][]).sort((a, b) => a[0] - b[0]),
          );
      }
      byEra.clear();
    },
  };
}

/** A plate text with its reads' count and first/last time (from reads_plate). */
export interface PlateRow {
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

/** One way to find candidates: plate ranges on reads_plate, reversed-text ranges, or an AND of ORs of pair keys. */
export type Source =
  | { kind: 'prefix'; values: string[] }
  | { kind: 'suffix'; values: string[] }
  | { kind: 'pairs'; entries: number[][] };

const MAX_KEYS_PER_ENTRY = 400;
/** One `?` (36 values) inside a prefix still beats a loose pair list. */
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
  for (let i = 0; i < placed.length && placed[i]!.start !== null; i++)
    head.push(placed[i]!.chars || PLATE_ALPHABET);
  const pre = affixes(head);
  if (pre) out.push({ kind: 'prefix', values: pre });
  const tail: string[] = [];
  for (let i = placed.length - 1; i >= 0 && placed[i]!.end !== null; i--)
    tail.push(placed[i]!.chars || PLATE_ALPHABET);
  const suf = affixes(tail);
  if (suf) out.push({ kind: 'suffix', values: suf });
  const entries: number[][] = [];
  const paired = new Set<Placed>();
  const push = (anchor: 0 | 1, offs: number[], a: string, b: string) => {
    const ok = offs.filter((o) => o >= 0 && o < POSITIONS);
    if (ok.length === 0 || ok.length * a.length * b.length > MAX_KEYS_PER_ENTRY) return false;
    const keys: number[] = [];
    for (const o of ok) for (const x of a) for (const y of b) keys.push(gramKey(anchor, o, x, y));
    entries.push(keys);
    return true;
  };
  for (let ia = 0; ia + 1 < placed.length; ia++) {
    const a = placed[ia]!;
    const b = placed[ia + 1]!;
    if (!a.chars || !b.chars || p.tokens.indexOf(b.tok) !== p.tokens.indexOf(a.tok) + 1) continue;
    // After a `*` the start offset depends on the plate's length: an OR over the lengths.
    const done =
      a.start !== null
        ? push(0, [a.start], a.chars, b.chars)
        : b.end !== null
          ? push(
              0,
              range(p.minLength, p.maxLength).map((L) => L - 2 - b.end!),
              a.chars,
              b.chars,
            )
          : push(0, range(a.minStart, a.maxStart), a.chars, b.chars);
    if (done) paired.add(a).add(b);
  }
  // A known character with no known neighbour (`A?B?C`, `?A?C1`) still anchors: every text of
  // 2+ characters with c at offset o has the pair (o, c, any) or, when c is last, (o-1, any, c).
  // Only where nothing else would (the lists are long and counting them costs): else a scan.
  for (const a of out.length || entries.length ? [] : placed) {
    if (!a.chars || paired.has(a)) continue;
    const offs =
      a.start !== null
        ? [a.start]
        : a.end !== null
          ? range(p.minLength, p.maxLength).map((L) => L - 1 - a.end!)
          : [];
    const keys: number[] = [];
    for (const o of offs.filter((o) => o >= 0 && o < MAX_PLATE_CHARS))
      for (const c of a.chars)
        for (const y of PLATE_ALPHABET) {
          if (o < POSITIONS) keys.push(gramKey(0, o, c, y));
          if (o >= 1) keys.push(gramKey(0, o - 1, y, c));
        }
    if (keys.length && keys.length <= MAX_KEYS_PER_ENTRY) entries.push(keys);
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
  const widened = p.tokens
    .map((t) => (t.kind === 'lit' || t.kind === 'class' ? `[${widenToken(t)}]` : tokenText(t)))
    .join('');
  const out = new Map<string, Pattern>([[widened, parsePattern(widened)]]);
  const add = (s: string) => {
    if (!out.has(s) && s.replace(/\*/g, '').length > 0) {
      const v = parsePattern(s);
      if (v.minLength >= 1) out.set(v.canonical, v);
    }
  };
  const toks = p.tokens;
  for (let i = 0; i < toks.length; i++)
    if (toks[i]!.kind !== 'any') add(text([...toks.slice(0, i), ...toks.slice(i + 1)]));
  if (p.minLength < MAX_PLATE_CHARS) {
    for (let i = 0; i <= toks.length; i++) {
      // next to a `*` an added character is already covered by the `*`
      if (toks[i - 1]?.kind === 'any' || toks[i]?.kind === 'any') continue;
      add(text([...toks.slice(0, i), { kind: 'one', pos: 0 }, ...toks.slice(i)]));
    }
  }
  return [...out.values()];
}

const ERAS = 'era IN (SELECT value FROM json_each(@eras))';
const HIGH = '\uffff';
/** Counts stop here: past it a source is "big" and its exact size does not matter. */
const COUNT_CAP = 20_000;
/** A plate range this small is taken without counting the pair lists (which can be long). */
const GOOD_ENOUGH = 1_000;

/** A prepared statement with the store's eras bound as @eras. */
interface Query {
  get(...a: unknown[]): unknown;
  all(...a: unknown[]): unknown[];
}

/** Statements of one search, prepared once, bound to the eras searched. */
function statements(db: Database, only?: number[]) {
  const eras = { eras: only ? JSON.stringify(only) : allEras(db) };
  const p = (sql: string, raw = false): Query => {
    const st = raw ? db.prepare(sql).raw() : db.prepare(sql);
    return { get: (...a) => st.get(eras, ...a), all: (...a) => st.all(eras, ...a) };
  };
  return {
    countPrefix: p(
      `SELECT count(*) AS n FROM (SELECT 1 FROM canvass_texts WHERE ${ERAS} AND text >= ? AND text < ? LIMIT ${COUNT_CAP})`,
    ),
    // a posting row says how many ids it holds: the length of a list is a sum over its rows
    countKeys: p(
      `SELECT coalesce(sum(n), 0) AS n FROM canvass_postings WHERE ${ERAS} AND key IN (SELECT value FROM json_each(?))`,
    ),
    postings: p(
      `SELECT ids FROM canvass_postings WHERE ${ERAS} AND key IN (SELECT value FROM json_each(?))`,
      true,
    ),
    countSuffix: p(
      `SELECT count(*) AS n FROM (SELECT 1 FROM canvass_texts WHERE ${ERAS} AND rtext >= ? AND rtext < ? LIMIT ${COUNT_CAP})`,
    ),
    prefix: p(`SELECT text FROM canvass_texts WHERE ${ERAS} AND text >= ? AND text < ?`),
    suffix: p(`SELECT text FROM canvass_texts WHERE ${ERAS} AND rtext >= ? AND rtext < ?`),
    byIds: db.prepare('SELECT text FROM canvass_texts WHERE id IN (SELECT value FROM json_each(?))').pluck(),
  };
}
type Stmts = ReturnType<typeof statements>;

const num = (s: Query, ...a: unknown[]) => (s.get(...a) as { n: number }).n;

/** Counts what a source would return (for pairs: its shortest posting list), memoized. */
function estimate(s: Stmts, src: Source, memo: Map<string, number>): number {
  const key = JSON.stringify(src);
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const n =
    src.kind === 'prefix'
      ? src.values.reduce((t, v) => t + num(s.countPrefix, v, v + HIGH), 0)
      : src.kind === 'suffix'
        ? src.values.reduce((t, v) => t + num(s.countSuffix, v, v + HIGH), 0)
        : Math.min(...src.entries.map((e) => entryCount(s, e, memo)));
  memo.set(key, n);
  return n;
}

function entryCount(s: Stmts, keys: number[], memo: Map<string, number>): number {
  const j = JSON.stringify(keys);
  let n = memo.get(j);
  if (n === undefined) memo.set(j, (n = num(s.countKeys, j)));
  return n;
}

/** The text ids of an OR of pair keys (over the searched eras), ascending, each once. */
function postingIds(s: Stmts, keysJson: string): number[] {
  const ids: number[] = [];
  for (const [b] of s.postings.all(keysJson) as [Uint8Array][]) decodeIds(b, ids);
  ids.sort((a, b) => a - b);
  let w = 0;
  for (let i = 0; i < ids.length; i++) if (i === 0 || ids[i] !== ids[i - 1]) ids[w++] = ids[i]!;
  ids.length = w;
  return ids;
}

/** Ids in both ascending lists. */
function intersect(a: number[], b: number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return out;
}

function fetch(s: Stmts, src: Source, memo: Map<string, number>): string[] {
  if (src.kind !== 'pairs') {
    const stmt = src.kind === 'prefix' ? s.prefix : s.suffix;
    return src.values.flatMap((v) => (stmt.all(v, v + HIGH) as { text: string }[]).map((r) => r.text));
  }
  const sized = src.entries
    .map((e) => ({ j: JSON.stringify(e), n: entryCount(s, e, memo) }))
    .sort((a, b) => a.n - b.n);
  // Each list intersected costs reading it: take the second and third only when they are short enough to pay off.
  let take = 1;
  if (sized[0]!.n > 1500 && sized[1]) take = sized[2] && sized[2].n <= 8 * sized[1].n ? 3 : 2;
  let ids = postingIds(s, sized[0]!.j);
  for (let i = 1; i < take && ids.length; i++) ids = intersect(ids, postingIds(s, sized[i]!.j));
  return ids.length ? (s.byIds.all(JSON.stringify(ids)) as string[]) : [];
}

/**
 * Distinct plate texts that may match: a superset the caller checks against the pattern.
 * A pattern with nothing to go on (`*`, `?A?`, a lone character) scans the text list.
 * `eras` limits the search to texts read in those eras (a canvass of scenes: their windows').
 */
export function candidatePlates(
  db: Database,
  p: Pattern,
  tolerant: boolean,
  eras?: number[],
): { texts: string[]; scanned: boolean } {
  if (!tolerant && !p.hasWildcard) return { texts: [p.canonical], scanned: false };
  const s = statements(db, eras);
  const memo = new Map<string, number>();
  const all = variants(p, tolerant).map(sourcesFor);
  // Tolerant `7*` or `*7`: with its one known character missed by the reader it is `*`, which
  // any text matches (variants() leaves that variant out).
  const known = p.tokens.filter((t) => t.kind !== 'any').length;
  const dropsToAny = tolerant && known === 1 && p.tokens.length > 1;
  if (dropsToAny || all.some((x) => x.length === 0)) {
    const texts = (
      (eras
        ? db
            .prepare('SELECT DISTINCT text FROM canvass_texts WHERE era IN (SELECT value FROM json_each(?))')
            .raw()
            .all(JSON.stringify(eras))
        : db.prepare('SELECT DISTINCT text FROM canvass_texts').raw().all()) as [string][]
    ).map((r) => r[0]);
    return { texts, scanned: true };
  }
  const seen = new Set<string>();
  for (const sources of all) {
    // prefix and suffix first: their counts are cheap range scans; pair lists are counted only when needed
    let best = sources[0]!;
    let bestN = estimate(s, best, memo);
    for (const src of sources.slice(1)) {
      if (bestN <= GOOD_ENOUGH) break;
      const n = estimate(s, src, memo);
      if (n < bestN) [best, bestN] = [src, n];
    }
    if (bestN === 0) continue;
    for (const t of fetch(s, best, memo)) seen.add(t);
  }
  return { texts: [...seen], scanned: false };
}

/**
 * Counts and first/last seen of the given texts, from reads_plate, era by era (texts without
 * reads are left out); with `eras`, of their reads in those eras only.
 */
export function plateRows(db: Database, texts: string[], eras?: number[]): PlateRow[] {
  if (texts.length === 0) return [];
  return db
    .prepare(
      `SELECT plate AS text, count(*) AS reads, min(ts) AS first_ts, max(ts) AS last_ts FROM reads
       WHERE era IN (SELECT value FROM json_each(?)) AND plate IN (SELECT value FROM json_each(?)) GROUP BY plate`,
    )
    .all(eras ? JSON.stringify(eras) : allEras(db), JSON.stringify(texts)) as PlateRow[];
}
