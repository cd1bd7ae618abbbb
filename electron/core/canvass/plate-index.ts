// The plate index behind partial-plate canvasses (R11, DESIGN "a plate index that answers
// wildcard and misread-tolerant patterns without scanning every read").
//
// Everything here is cut by era (reads/era.ts: 2^32 ms of read time), so that ingest writes
// only the newest, hot part of each B-tree (docs/canvass.md "Ingest"). A plate text (A-Z 0-9,
// 2-10 characters) is stored as its code (`code`: an order-preserving integer, bijective base 37,
// left-aligned), so the texts starting with a prefix are one range of codes. canvass_codes
// (migration 15): one (era, code) row per distinct text per era it was read in, WITHOUT ROWID,
// no other index. canvass_postings: for each adjacent character pair keyed by position
// (`7ABC123` → 0:7A 1:AB … 5:23), the codes of the era's texts holding it, as rows of up to
// POSTING_MAX codes (one row per key and batch). A prefix (`7AB*`) is a code range; known pairs
// anywhere else (`?ABC1??`, `*BC1*`, and after a `*`, `*123`, over the lengths the plate can
// have) become posting lists, the shortest intersected — each once per era. A search estimates
// each way with a count (capped for ranges; a posting row carries its length) and takes the
// cheapest; only those texts are checked against the full pattern, and only the matching ones
// get their counts and first/last seen from reads_plate (era, plate, ts). Nothing is updated
// per read: a batch appends the (era, code) pairs it has not seen before and one posting row per
// pair key of their texts. Codes instead of a text table with a unique and a reversed-text
// index (migrations 12-13) because those cost 3 B-tree entries per new text and most of the
// hook's ~4.5 µs a read (issue 4: ingest at 100k reads/s). Layout chosen by measurement:
// docs/canvass.md.
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
/** Pair keys are below this: (8·36 + 35)·36 + 35 = 11,663. */
const KEYS = POSITIONS * 36 * 36;

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

/** A text reversed (migrations 2, 4 and 12 wrote reversed texts; the codes need none). */
export const reverse = (s: string) => [...s].reverse().join('');

// ---- Codes ----------------------------------------------------------------------------------

const BASE = 37;
/** 37^5: a code splits into two halves below 2^31, so decoding its digits is integer arithmetic. */
const HALF = BASE ** 5;
/** Codes are below 37^10 ≈ 4.8·10^15 < 2^53: exact in a JS number and in SQLite INTEGER. */
export const CODE_LIMIT = BASE ** MAX_PLATE_CHARS;
/** SPAN[k]: how many codes the texts starting with a k-character prefix take, 37^(10−k). */
const SPAN = Array.from({ length: MAX_PLATE_CHARS + 1 }, (_, k) => BASE ** (MAX_PLATE_CHARS - k));
/** Character code → digit (alphabet index + 1), 0 for characters outside the alphabet. */
const DIGIT = new Uint8Array(128);
for (let i = 0; i < PLATE_ALPHABET.length; i++) DIGIT[PLATE_ALPHABET.charCodeAt(i)] = i + 1;

/** The code of `s` if it has minLen..10 characters, all in the alphabet; else -1. No allocation. */
function codeOrNone(s: string, minLen: number): number {
  const len = s.length;
  if (len < minLen || len > MAX_PLATE_CHARS) return -1;
  let c = 0;
  for (let i = 0; i < MAX_PLATE_CHARS; i++) {
    let d = 0;
    if (i < len) {
      const ch = s.charCodeAt(i);
      d = ch < 128 ? DIGIT[ch]! : 0;
      if (d === 0) return -1;
    }
    c = c * BASE + d;
  }
  return c;
}

/**
 * The code of a plate text of 1..10 characters from PLATE_ALPHABET: Σ_{i<10} d_i·37^(9−i), d_i
 * its i-th character's alphabet index + 1, 0 past its end. Numeric order is the texts' order
 * under the alphabet's (a prefix first), and the texts starting with P are exactly the codes in
 * codeRange(P).
 */
export function code(text: string): number {
  const c = codeOrNone(text, 1);
  if (c < 0) throw new RangeError(`"${text}" is not a plate text of 1-${MAX_PLATE_CHARS} characters A-Z 0-9`);
  return c;
}

/** [lo, hi): the codes of every text starting with `prefix` (itself included). */
export function codeRange(prefix: string): [number, number] {
  const lo = code(prefix);
  return [lo, lo + SPAN[prefix.length]!];
}

/** The text of a code (the inverse of `code`). */
export function textOf(c: number): string {
  if (!(Number.isInteger(c) && c > 0 && c < CODE_LIMIT)) throw new RangeError(`${c} is not a plate code`);
  const hi = Math.floor(c / HALF);
  let s = digitsText(hi, '');
  if (s.length === 5) s = digitsText(c - hi * HALF, s);
  else if (c - hi * HALF !== 0) throw new RangeError(`${c} is not a plate code`);
  return s;
}

/** Appends the characters of a 5-digit half (below 2^31) to `s`, up to its first 0 digit; checks nothing follows one. */
function digitsText(half: number, s: string): string {
  let div = HALF / BASE;
  let end = false;
  for (let i = 0; i < 5; i++, div /= BASE) {
    const d = Math.floor(half / div) % BASE;
    if (d === 0) end = true;
    else if (end) throw new RangeError('not a plate code: a character after the end');
    else s += PLATE_ALPHABET[d - 1]!;
  }
  return s;
}

/**
 * Writes the 0-based alphabet indexes of a code's characters into `out` and returns how many
 * there are (the text's length). For the writer's pair keys, without building the text.
 */
function charsOf(c: number, out: Int32Array): number {
  let hi = Math.floor(c / HALF) | 0;
  let lo = (c - hi * HALF) | 0;
  for (let i = 9; i >= 5; i--) {
    out[i] = (lo % BASE) - 1;
    lo = (lo / BASE) | 0;
  }
  for (let i = 4; i >= 0; i--) {
    out[i] = (hi % BASE) - 1;
    hi = (hi / BASE) | 0;
  }
  let n = 0;
  while (n < MAX_PLATE_CHARS && out[n]! >= 0) n++;
  return n;
}

/** Whether numbers are stored little-endian here (a posting row's codes are, as float64). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Codes as float64 little-endian (a posting row's `codes`; exact for integers < 2^53). */
export function encodeCodes(codes: ArrayLike<number>, from = 0, to = codes.length): Buffer {
  if (LITTLE_ENDIAN && codes instanceof Float64Array) return Buffer.from(codes.slice(from, to).buffer);
  const b = Buffer.allocUnsafe((to - from) * 8);
  for (let i = from; i < to; i++) b.writeDoubleLE(codes[i]!, (i - from) * 8);
  return b;
}

export function decodeCodes(b: Uint8Array): number[] {
  const out: number[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 0; o + 8 <= b.byteLength; o += 8) out.push(v.getFloat64(o, true));
  return out;
}

/** HALF_SPAN[k] = 37^((k > 5 ? 10 : 5) − k): SPAN within the half a k-th character is in. */
const HALF_SPAN = Int32Array.from(SPAN, (x, k) => (k > 5 ? x : x / HALF));

/**
 * Whether a code's text has exactly `len` (1-10) characters: digit len-1 set, the ones after it
 * 0. On the code's two halves as int32s, so the modulos are integer ones, not fmod calls
 * (this runs per posting read by an end-anchored search).
 */
function hasLength(c: number, len: number): boolean {
  const hi = Math.floor(c / HALF) | 0;
  const lo = (c - hi * HALF) | 0;
  const span = HALF_SPAN[len]!;
  if (len > 5) return lo % span === 0 && ((lo / span) | 0) % BASE !== 0;
  return lo === 0 && hi % span === 0 && ((hi / span) | 0) % BASE !== 0;
}

/**
 * Decodes a posting row's codes into `out` from index `at`, only those of texts of `len`
 * characters unless `len` is 0; returns the index after the last. A blob as SQLite hands it over
 * is read in place as float64s where the platform and alignment allow (a copy, not a loop).
 */
function decodeCodesInto(b: Uint8Array, out: Float64Array, at: number, len: number): number {
  const n = b.byteLength >> 3;
  if (LITTLE_ENDIAN && b.byteOffset % 8 === 0) {
    const v = new Float64Array(b.buffer, b.byteOffset, n);
    if (len === 0) {
      out.set(v, at);
      return at + n;
    }
    for (let i = 0; i < n; i++) if (hasLength(v[i]!, len)) out[at++] = v[i]!;
    return at;
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < n; i++) {
    const c = v.getFloat64(i * 8, true);
    if (len === 0 || hasLength(c, len)) out[at++] = c;
  }
  return at;
}

// ---- Writing ----------------------------------------------------------------------------------

/** Codes per posting row at most, so a row (8 bytes each) stays within a few pages. */
const POSTING_MAX = 1024;
/** Rows per multi-row INSERT: one statement writes this many instead of one call each. */
const CODE_CHUNK = 64;
const POSTING_CHUNK = 64;

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

const CODES_HEAD = 'INSERT INTO canvass_codes (era, code)';
const CODES_TAIL = ' ON CONFLICT DO NOTHING RETURNING code';

/**
 * Inserts the era's codes (ascending, distinct), CODE_CHUNK to a multi-row statement; with
 * `returning`, skips those already there (a probe of the era's hot part of the primary key)
 * and returns the ones it added, ascending.
 */
function insertCodes(db: Database, era: number, codes: Float64Array, returning: boolean): Float64Array {
  const added = new Float64Array(returning ? codes.length : 0);
  let n = 0;
  const tail = returning ? CODES_TAIL : '';
  const prepare = (rows: number) => {
    const st = db.prepare(valuesSql(CODES_HEAD, 2, rows, tail));
    return returning ? st.pluck() : st;
  };
  const full = codes.length >= CODE_CHUNK ? prepare(CODE_CHUNK) : null;
  const args = new Array<number>(2 * CODE_CHUNK); // reused: one array per statement, not per chunk
  for (let at = 0; at < codes.length; at += CODE_CHUNK) {
    const rows = Math.min(CODE_CHUNK, codes.length - at);
    const st = rows === CODE_CHUNK ? full! : prepare(rows);
    if (rows !== CODE_CHUNK) args.length = 2 * rows;
    for (let i = 0; i < rows; i++) {
      args[2 * i] = era;
      args[2 * i + 1] = codes[at + i]!;
    }
    if (!returning) st.run(args);
    else for (const c of st.all(args) as number[]) added[n++] = c;
  }
  // RETURNING gives the rows in the order inserted (ascending here); sorted anyway, cheaply, as
  // writeCodePostings needs ascending codes and SQLite does not promise that order.
  return added.subarray(0, n).sort();
}

const POSTINGS_HEAD = 'INSERT INTO canvass_postings (era, key, first_code, n, codes)';

/**
 * Writes the posting rows of new codes of one era (`codes`: ascending, none already in the
 * era's lists): each pair key's codes, ascending, in rows of up to POSTING_MAX, keyed (era, key,
 * first code). One row per key per call instead of one per (key, text): a batch of 100k reads
 * writes ~10k rows, not ~240k entries (docs/canvass.md "Ingest"). Grouped by key with a counting
 * sort (keys < KEYS), which keeps each key's codes in the input's ascending order.
 */
function writeCodePostings(db: Database, era: number, codes: Float64Array): void {
  const keyOf = new Int32Array(codes.length * POSITIONS).fill(-1);
  const count = new Int32Array(KEYS + 1);
  const chars = new Int32Array(MAX_PLATE_CHARS);
  for (let i = 0; i < codes.length; i++) {
    const len = charsOf(codes[i]!, chars);
    for (let p = 0; p + 1 < len; p++) {
      const key = (p * 36 + chars[p]!) * 36 + chars[p + 1]!;
      keyOf[i * POSITIONS + p] = key;
      count[key + 1]!++;
    }
  }
  for (let k = 0; k < KEYS; k++) count[k + 1]! += count[k]!; // count[k]: where key k's codes start
  const grouped = new Float64Array(count[KEYS]!);
  const fill = count.slice(0, KEYS);
  for (let i = 0; i < codes.length; i++)
    for (let p = 0; p < POSITIONS; p++) {
      const key = keyOf[i * POSITIONS + p]!;
      if (key < 0) break;
      grouped[fill[key]!++] = codes[i]!;
    }
  const params: unknown[] = [];
  for (let key = 0; key < KEYS; key++)
    for (let a = count[key]!; a < count[key + 1]!; a += POSTING_MAX) {
      const b = Math.min(count[key + 1]!, a + POSTING_MAX);
      params.push(era, key, grouped[a], b - a, encodeCodes(grouped, a, b));
    }
  insertChunked(db, (m) => valuesSql(POSTINGS_HEAD, 5, m), 5, POSTING_CHUNK, params, false);
}

export interface PlateIndexWriter {
  /** A read with this plate and time was just inserted. */
  add(plate: string, ts: number): void;
  /** Writes what was added; call inside the same transaction as the reads. */
  flush(): void;
}

/** One era's codes of a batch, appended per read (duplicates included) into a growing array. */
interface EraCodes {
  codes: Float64Array;
  n: number;
}

/** Sorts the first `n` codes and drops repeats; returns the distinct ones, ascending (a view). */
function distinctSorted(codes: Float64Array, n: number): Float64Array {
  const s = codes.subarray(0, n).sort();
  let w = 0;
  for (let i = 0; i < n; i++) if (i === 0 || s[i] !== s[w - 1]) s[w++] = s[i]!;
  return s.subarray(0, w);
}

/**
 * The hook insertReads calls. add() costs a code computed from the plate's characters and a
 * store into a typed array (no string, set or object per read); flush() sorts each era's codes
 * numerically, inserts them in multi-row statements that skip those already there and return the
 * ones added, and writes the added codes' postings (writeCodePostings).
 */
export function plateIndexWriter(db: Database): PlateIndexWriter {
  const byEra = new Map<number, EraCodes>();
  let era = NaN;
  let cur: EraCodes | null = null;
  return {
    add(plate, ts) {
      const c = codeOrNone(plate, 2);
      if (c < 0) return; // hashed or odd texts are found by exact lookup on reads_plate
      const e = eraOf(ts);
      if (e !== era || cur === null) {
        era = e;
        cur = byEra.get(e) ?? null;
        if (cur === null) byEra.set(e, (cur = { codes: new Float64Array(1024), n: 0 }));
      }
      if (cur.n === cur.codes.length) {
        const grown = new Float64Array(cur.codes.length * 2);
        grown.set(cur.codes);
        cur.codes = grown;
      }
      cur.codes[cur.n++] = c;
    },
    flush() {
      for (const e of [...byEra.keys()].sort((a, b) => a - b)) {
        const { codes, n } = byEra.get(e)!;
        const added = insertCodes(db, e, distinctSorted(codes, n), true);
        if (added.length) writeCodePostings(db, e, added);
      }
      byEra.clear();
      cur = null;
    },
  };
}

/**
 * Fills empty canvass_codes and canvass_postings from the reads: each era's distinct indexable
 * plates, as codes in ascending order (appends to both B-trees), then their postings with the
 * insert hook's own writer. The bench builder (bulkPlateIndex) and migration 15 use it.
 */
export function fillPlateIndexFromReads(db: Database): void {
  // era by era, streamed: only one era's codes are in memory (a 10M-read store has ~4.7M pairs)
  const eras = JSON.parse(allEras(db)) as number[]; // those between the first and last read
  const plates = db
    .prepare(`SELECT DISTINCT plate FROM reads WHERE era = ? AND length(plate) BETWEEN 2 AND 10 AND plate NOT GLOB '*[^A-Z0-9]*'`)
    .pluck();
  for (const e of eras) {
    let codes = new Float64Array(4096);
    let n = 0;
    for (const p of plates.iterate(e) as Iterable<string>) {
      if (n === codes.length) {
        const grown = new Float64Array(n * 2);
        grown.set(codes);
        codes = grown;
      }
      codes[n++] = code(p);
    }
    if (n === 0) continue;
    const sorted = distinctSorted(codes, n); // text order (ASCII) is not code order
    insertCodes(db, e, sorted, false);
    writeCodePostings(db, e, sorted);
  }
}

/**
 * Migration 15: the plate index as integer codes (issue 4, ingest). Drops the text table of
 * migrations 12-13 (with its unique and reversed-text indexes), their postings of text ids and
 * any grams left over, creates canvass_codes and canvass_postings of codes, and fills them from
 * the reads.
 */
export function rebuildPlateIndexAsCodes(db: Database): void {
  db.exec(`
    DROP TABLE IF EXISTS canvass_texts;
    DROP TABLE IF EXISTS canvass_postings;
    DROP TABLE IF EXISTS canvass_grams;
    CREATE TABLE canvass_codes (
      era INTEGER NOT NULL,
      code INTEGER NOT NULL,           -- a distinct reads.plate of the era as plate-index.ts code()
      PRIMARY KEY (era, code)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE canvass_postings (
      era INTEGER NOT NULL,
      key INTEGER NOT NULL,            -- (position*36 + char)*36 + next char; see plate-index.ts
      first_code INTEGER NOT NULL,     -- the row's first (lowest) code
      n INTEGER NOT NULL,              -- codes in the row
      codes BLOB NOT NULL,             -- codes, ascending, float64 little-endian (exact below 2^53)
      PRIMARY KEY (era, key, first_code)
    ) STRICT, WITHOUT ROWID;
  `);
  fillPlateIndexFromReads(db);
}

// ---- Legacy layouts: migrations 12 and 13 (canvass_texts with text ids) -----------------------
// A store upgrading from before migration 15 runs 12 and 13 first; they keep writing the layout
// they shipped with, which migration 15 then drops and rebuilds as codes.

/**
 * Legacy (migration 12): grams of the texts with id > @after as canvass_grams rows (one per
 * pair and text), computed and sorted inside SQLite (gramKey's arithmetic spelled in SQL; a
 * property test keeps the two equal).
 */
const GRAMS_AFTER_SQL = `WITH RECURSIVE pos(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM pos WHERE i < 8)
  INSERT OR IGNORE INTO canvass_grams (era, key, text_id)
  SELECT t.era, (i * 36 + instr(@abc, substr(t.text, i + 1, 1)) - 1) * 36 + instr(@abc, substr(t.text, i + 2, 1)) - 1, t.id
  FROM canvass_texts t JOIN pos ON i + 1 < length(t.text)
  WHERE t.id > @after
  ORDER BY 1, 2, 3`;

/** Legacy (migration 12): writes the grams of every canvass_texts row added after text id `after`. */
export function writeGramsAfter(db: Database, after: number): void {
  db.prepare(GRAMS_AFTER_SQL).run({ abc: PLATE_ALPHABET, after });
}

/** Text ids as 4-byte little-endian integers (a migration-13 posting row's `ids`). */
function encodeIdsV13(ids: ArrayLike<number>, from: number, to: number): Buffer {
  const b = Buffer.allocUnsafe((to - from) * 4);
  for (let i = from; i < to; i++) b.writeUInt32LE(ids[i]!, (i - from) * 4);
  return b;
}

/** Text ids stay below 2^32 (4 bytes each in a v13 posting row); the packed sort needs < 2^38. */
const ID_LIMIT = 2 ** 32;
const ID_SPAN = 2 ** 38;

/**
 * Legacy (migration 13): the posting rows of one era's canvass_texts (`texts`: [id, text]) in
 * the id-based layout (era, key, first_id, n, ids), ids 4 bytes each, rows of up to POSTING_MAX.
 */
function writePostingsV13(db: Database, era: number, texts: [number, string][]): void {
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
      params.push(era, key, ids[a], b - a, encodeIdsV13(ids, a, b));
    }
  }
  const head = 'INSERT INTO canvass_postings (era, key, first_id, n, ids)';
  insertChunked(db, (m) => valuesSql(head, 5, m), 5, POSTING_CHUNK, params, false);
}

/**
 * Legacy (migration 13; its name is what that shipped migration calls): writes the id-based
 * postings of every canvass_texts row with id > `after`, era by era.
 */
export function writePostingsAfter(db: Database, after: number): void {
  const eras = db
    .prepare('SELECT DISTINCT era FROM canvass_texts WHERE id > ? ORDER BY era')
    .pluck()
    .all(after) as number[];
  const texts = db.prepare('SELECT id, text FROM canvass_texts WHERE era = ? AND id > ? ORDER BY id').raw();
  for (const era of eras) writePostingsV13(db, era, texts.all(era, after) as [number, string][]);
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

/**
 * An OR of pair keys: their posting lists, merged. `lengths[i]` is the one text length key i
 * can match at, or 0 for any: a pair after a `*` sits at a different start for each length of
 * plate (`*123`: 12 at offset L-3), and a list read for length L keeps only its codes of that
 * length — so an end-anchored pattern's candidates are about what the reversed-text range of
 * migrations 4-13 gave, for a decoding pass over the lists.
 */
export interface KeyList {
  keys: number[];
  lengths: number[];
}

/** One way to find candidates: code ranges of prefixes, or an AND of ORs of pair keys. */
export type Source = { kind: 'prefix'; values: string[] } | { kind: 'pairs'; entries: KeyList[] };

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

/**
 * The ways to find the candidates of one (plain) pattern. A known end (`*123`, `?BC12??`) has
 * no range of its own (codes are left-aligned): its pairs are keyed at each start the plate's
 * length allows, an OR of a few keys per pair.
 */
export function sourcesFor(p: Pattern): Source[] {
  const placed = place(p);
  const out: Source[] = [];
  const head: string[] = [];
  for (let i = 0; i < placed.length && placed[i]!.start !== null; i++)
    head.push(placed[i]!.chars || PLATE_ALPHABET);
  const pre = affixes(head);
  if (pre) out.push({ kind: 'prefix', values: pre });
  // every text matching a pattern without a `*` (or with ten known characters) has its length
  const fixed = p.minLength === p.maxLength ? p.minLength : 0;
  const entries: KeyList[] = [];
  const paired = new Set<Placed>();
  /** The pairs (a, b) at each offset, offs[i] for plates of length lens[i] (null: `fixed`). */
  const push = (offs: number[], lens: number[] | null, a: string, b: string) => {
    const at = offs.flatMap((o, i) =>
      o >= 0 && o < POSITIONS ? [[o, lens ? lens[i]! : fixed] as const] : [],
    );
    if (at.length === 0 || at.length * a.length * b.length > MAX_KEYS_PER_ENTRY) return false;
    const list: KeyList = { keys: [], lengths: [] };
    for (const [o, L] of at)
      for (const x of a)
        for (const y of b) {
          list.keys.push(gramKey(0, o, x, y));
          list.lengths.push(L);
        }
    entries.push(list);
    return true;
  };
  for (let ia = 0; ia + 1 < placed.length; ia++) {
    const a = placed[ia]!;
    const b = placed[ia + 1]!;
    if (!a.chars || !b.chars || p.tokens.indexOf(b.tok) !== p.tokens.indexOf(a.tok) + 1) continue;
    // After a `*` the start offset depends on the plate's length: an OR over the lengths.
    const lens = range(p.minLength, p.maxLength);
    const done =
      a.start !== null
        ? push([a.start], null, a.chars, b.chars)
        : b.end !== null
          ? push(
              lens.map((L) => L - 2 - b.end!),
              lens,
              a.chars,
              b.chars,
            )
          : push(range(a.minStart, a.maxStart), null, a.chars, b.chars);
    if (done) paired.add(a).add(b);
  }
  // A known character with no known neighbour (`A?B?C`, `?A?C1`, `*1?3`) still anchors: in a
  // text of 2+ characters, c at offset o has a next character (pair (o, c, any)) unless it is
  // last, and a previous one (pair (o-1, any, c)) unless it is first — never neither. The
  // pattern tells which one it surely has: the next when characters follow it to a known end or
  // it is first, else the previous (it is last, or past a known start with a `*` after it). One
  // side, half the keys: `*1?3` fits under MAX_KEYS_PER_ENTRY without the reversed texts.
  // Only where nothing else would (the lists are long and counting them costs): else a scan.
  for (const a of out.length || entries.length ? [] : placed) {
    if (!a.chars || paired.has(a)) continue;
    const lens = a.start === null && a.end !== null ? range(p.minLength, p.maxLength) : null;
    const offs = a.start !== null ? [a.start] : lens ? lens.map((L) => L - 1 - a.end!) : [];
    const next = (a.end !== null && a.end > 0) || a.start === 0;
    const list: KeyList = { keys: [], lengths: [] };
    offs.forEach((o, i) => {
      const L = lens ? lens[i]! : fixed;
      if (next ? o < 0 || o >= POSITIONS : o < 1 || o >= MAX_PLATE_CHARS) return;
      for (const c of a.chars)
        for (const y of PLATE_ALPHABET) {
          list.keys.push(next ? gramKey(0, o, c, y) : gramKey(0, o - 1, y, c));
          list.lengths.push(L);
        }
    });
    if (list.keys.length && list.keys.length <= MAX_KEYS_PER_ENTRY) entries.push(list);
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
  const p = (sql: string, mode: 'row' | 'raw' | 'pluck' = 'row'): Query => {
    const st =
      mode === 'raw' ? db.prepare(sql).raw() : mode === 'pluck' ? db.prepare(sql).pluck() : db.prepare(sql);
    return { get: (...a) => st.get(eras, ...a), all: (...a) => st.all(eras, ...a) };
  };
  return {
    countPrefix: p(
      `SELECT count(*) AS n FROM (SELECT 1 FROM canvass_codes WHERE ${ERAS} AND code >= ? AND code < ? LIMIT ${COUNT_CAP})`,
    ),
    // a posting row says how many codes it holds: the length of a list is a sum over its rows
    countKeys: p(
      `SELECT coalesce(sum(n), 0) AS n FROM canvass_postings WHERE ${ERAS} AND key IN (SELECT value FROM json_each(?))`,
    ),
    postings: p(
      `SELECT key, codes FROM canvass_postings WHERE ${ERAS} AND key IN (SELECT value FROM json_each(?))`,
      'raw',
    ),
    prefix: p(`SELECT code FROM canvass_codes WHERE ${ERAS} AND code >= ? AND code < ?`, 'pluck'),
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
      ? src.values.reduce((t, v) => t + num(s.countPrefix, ...codeRange(v)), 0)
      : Math.min(...src.entries.map((e) => entryCount(s, e.keys, memo)));
  memo.set(key, n);
  return n;
}

function entryCount(s: Stmts, keys: number[], memo: Map<string, number>): number {
  const j = JSON.stringify(keys);
  let n = memo.get(j);
  if (n === undefined) memo.set(j, (n = num(s.countKeys, j)));
  return n;
}

/**
 * The codes of an OR of pair keys (over the searched eras), each key's only of texts of its
 * length where it has one, ascending, each once. Sorted here: a later batch's row of a key can
 * hold codes below an earlier row's.
 */
function postingCodes(s: Stmts, list: KeyList): Float64Array {
  const lengthOf = new Map<number, number>();
  list.keys.forEach((k, i) => {
    const L = list.lengths[i]!;
    lengthOf.set(k, lengthOf.has(k) && lengthOf.get(k) !== L ? 0 : L); // a key listed for two lengths: any
  });
  const rows = s.postings.all(JSON.stringify(list.keys)) as [number, Uint8Array][];
  let total = 0;
  for (const [, b] of rows) total += b.byteLength >> 3;
  const codes = new Float64Array(total);
  let at = 0;
  for (const [key, b] of rows) at = decodeCodesInto(b, codes, at, lengthOf.get(key) ?? 0);
  return distinctSorted(codes, at);
}

/** Codes in both ascending lists. */
function intersect(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

function fetch(s: Stmts, src: Source, memo: Map<string, number>): string[] {
  if (src.kind === 'prefix')
    return src.values.flatMap((v) => (s.prefix.all(...codeRange(v)) as number[]).map(textOf));
  const sized = src.entries.map((e) => ({ e, n: entryCount(s, e.keys, memo) })).sort((a, b) => a.n - b.n);
  // Each list intersected costs reading it: take the second and third only when they are short enough to pay off.
  let take = 1;
  if (sized[0]!.n > 1500 && sized[1]) take = sized[2] && sized[2].n <= 8 * sized[1].n ? 3 : 2;
  let codes = postingCodes(s, sized[0]!.e);
  for (let i = 1; i < take && codes.length; i++) codes = intersect(codes, postingCodes(s, sized[i]!.e));
  return Array.from(codes, textOf);
}

/** For a pattern that must scan the text list: keep only what `accept` passes, stop at `max`. */
export interface ScanLimit {
  accept: (text: string) => boolean;
  max: number;
}

/**
 * Distinct plate texts that may match: a superset the caller checks against the pattern.
 * A pattern with nothing to go on (`*`, `?A?`, tolerant `7*`) scans the code list era by era,
 * in code order (`scanned: true`). `eras` limits the search to texts read in those eras (a
 * canvass of scenes: their windows'). With `limit`, a scan keeps only the texts `limit.accept`
 * passes and stops at `limit.max` of them: the same first texts a full scan followed by the
 * same filter would give, in the same order (tolerant `7*` over 10M reads used to read 4.1M
 * texts before they were cut to 20,000). `examined` counts the texts looked at.
 */
export function candidatePlates(
  db: Database,
  p: Pattern,
  tolerant: boolean,
  eras?: number[],
  limit?: ScanLimit,
): { texts: string[]; scanned: boolean; examined: number } {
  if (!tolerant && !p.hasWildcard) return { texts: [p.canonical], scanned: false, examined: 1 };
  const s = statements(db, eras);
  const memo = new Map<string, number>();
  const all = variants(p, tolerant).map(sourcesFor);
  // Tolerant `7*` or `*7`: with its one known character missed by the reader it is `*`, which
  // any text matches (variants() leaves that variant out).
  const known = p.tokens.filter((t) => t.kind !== 'any').length;
  const dropsToAny = tolerant && known === 1 && p.tokens.length > 1;
  if (dropsToAny || all.some((x) => x.length === 0)) {
    const rows = (
      eras
        ? db
            .prepare('SELECT DISTINCT code FROM canvass_codes WHERE era IN (SELECT value FROM json_each(?))')
            .pluck()
            .iterate(JSON.stringify(eras))
        : db.prepare('SELECT DISTINCT code FROM canvass_codes').pluck().iterate()
    ) as IterableIterator<number>;
    const texts: string[] = [];
    let examined = 0;
    for (const c of rows) {
      examined++;
      const t = textOf(c);
      if (limit && !limit.accept(t)) continue;
      texts.push(t);
      if (limit && texts.length >= limit.max) break; // ends the statement (the iterator's return)
    }
    return { texts, scanned: true, examined };
  }
  const seen = new Set<string>();
  for (const sources of all) {
    // prefix first: its counts are cheap range scans; pair lists are counted only when needed
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
  return { texts: [...seen], scanned: false, examined: seen.size };
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
