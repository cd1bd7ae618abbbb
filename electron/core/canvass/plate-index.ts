// The plate index behind partial-plate canvasses (R11, DESIGN "a plate index that answers
// wildcard and misread-tolerant patterns without scanning every read").
//
// Everything here is cut by era (reads/era.ts: 2^32 ms of read time), so that ingest writes
// only the newest, hot part of each B-tree (docs/canvass.md "Ingest"). canvass_texts: one row
// per distinct plate text (A-Z 0-9, 2-10 characters) per era it was read in, with its reverse.
// canvass_grams: each such row's adjacent character pairs keyed by position (`7ABC123` →
// 0:7A 1:AB … 5:23). A prefix (`7AB*`) is a range on the texts, a suffix (`*123`) a range on
// the reversed texts; known pairs anywhere else (`?ABC1??`, `*BC1*`) become posting lists, the
// shortest intersected — each once per era. A search estimates each way with a capped count
// and takes the cheapest; only those texts are checked against the full pattern, and only the
// matching ones get their counts and first/last seen from reads_plate (era, plate, ts).
// Nothing is updated per read: a batch appends the (era, text) pairs it has not seen before
// and their grams. Layout chosen by measurement: docs/canvass.md.
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

export interface PlateIndexWriter {
  /** A read with this plate and time was just inserted. */
  add(plate: string, ts: number): void;
  /** Writes what was added; call inside the same transaction as the reads. */
  flush(): void;
}

/**
 * Grams of the texts with id > @after, computed and sorted inside SQLite (gramKey's arithmetic
 * spelled in SQL; a property test keeps the two equal). Sorted inserts touch each posting
 * list's last page once.
 */
const GRAMS_AFTER_SQL = `WITH RECURSIVE pos(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM pos WHERE i < 8)
  INSERT OR IGNORE INTO canvass_grams (era, key, text_id)
  SELECT t.era, (i * 36 + instr(@abc, substr(t.text, i + 1, 1)) - 1) * 36 + instr(@abc, substr(t.text, i + 2, 1)) - 1, t.id
  FROM canvass_texts t JOIN pos ON i + 1 < length(t.text)
  WHERE t.id > @after
  ORDER BY 1, 2, 3`;

/** Writes the grams of every text added after text id `after` (the hook, migrations, the bench builder). */
export function writeGramsAfter(db: Database, after: number): void {
  db.prepare(GRAMS_AFTER_SQL).run({ abc: PLATE_ALPHABET, after });
}

/**
 * The hook insertReads calls. The batch's distinct (era, text) pairs go in, sorted, in one
 * statement that skips the pairs already there (a probe of the era's hot part of the unique
 * index, not of all time) and returns the rows it added; their grams are computed here and
 * written key by key, so each posting list's end in the era is visited once. (The bulk paths,
 * migration 12 and the bench builder, compute the same grams in SQL: GRAMS_AFTER_SQL.)
 */
export function plateIndexWriter(db: Database): PlateIndexWriter {
  const pairs = new Set<string>();
  return {
    add(plate, ts) {
      if (INDEXABLE.test(plate)) pairs.add(`${eraOf(ts)} ${plate}`);
    },
    flush() {
      if (pairs.size === 0) return;
      const rows = [...pairs]
        .map((k) => {
          const sp = k.indexOf(' ');
          const text = k.slice(sp + 1);
          return [Number(k.slice(0, sp)), text, reverse(text)] as const;
        })
        .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      pairs.clear();
      const added = db
        .prepare(
          `INSERT INTO canvass_texts (era, text, rtext)
           SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]' FROM json_each(?) WHERE true
           ON CONFLICT (era, text) DO NOTHING RETURNING id, era, text`,
        )
        .raw()
        .all(JSON.stringify(rows)) as [number, number, string][];
      if (added.length === 0) return;
      added.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      const gram = db.prepare('INSERT INTO canvass_grams (era, key, text_id) VALUES (?, ?, ?)');
      for (let i = 0; i < added.length; ) {
        const era = added[i]![1];
        const lists = new Map<number, number[]>(); // key -> text ids, ascending
        for (; i < added.length && added[i]![1] === era; i++) {
          const [id, , text] = added[i]!;
          for (const k of new Set(gramsOf(text))) {
            const l = lists.get(k);
            if (l) l.push(id);
            else lists.set(k, [id]);
          }
        }
        for (const k of [...lists.keys()].sort((x, y) => x - y)) for (const id of lists.get(k)!) gram.run(era, k, id);
      }
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
  const push = (anchor: 0 | 1, offs: number[], a: string, b: string) => {
    const ok = offs.filter((o) => o >= 0 && o < POSITIONS);
    if (ok.length === 0 || ok.length * a.length * b.length > MAX_KEYS_PER_ENTRY) return;
    const keys: number[] = [];
    for (const o of ok) for (const x of a) for (const y of b) keys.push(gramKey(anchor, o, x, y));
    entries.push(keys);
  };
  for (let ia = 0; ia + 1 < placed.length; ia++) {
    const a = placed[ia]!;
    const b = placed[ia + 1]!;
    if (!a.chars || !b.chars || p.tokens.indexOf(b.tok) !== p.tokens.indexOf(a.tok) + 1) continue;
    // After a `*` the start offset depends on the plate's length: an OR over the lengths.
    if (a.start !== null) push(0, [a.start], a.chars, b.chars);
    else if (b.end !== null)
      push(
        0,
        range(p.minLength, p.maxLength).map((L) => L - 2 - b.end!),
        a.chars,
        b.chars,
      );
    else push(0, range(a.minStart, a.maxStart), a.chars, b.chars);
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

const POSTING =
  'SELECT text_id FROM canvass_grams WHERE era IN (SELECT value FROM json_each(@eras)) AND key IN (SELECT value FROM json_each(?))';
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
  const p = (sql: string): Query => {
    const st = db.prepare(sql);
    return { get: (...a) => st.get(eras, ...a), all: (...a) => st.all(eras, ...a) };
  };
  return {
    countPrefix: p(
      `SELECT count(*) AS n FROM (SELECT 1 FROM canvass_texts WHERE ${ERAS} AND text >= ? AND text < ? LIMIT ${COUNT_CAP})`,
    ),
    countKeys: p(`SELECT count(*) AS n FROM (${POSTING} LIMIT ${COUNT_CAP})`),
    countSuffix: p(
      `SELECT count(*) AS n FROM (SELECT 1 FROM canvass_texts WHERE ${ERAS} AND rtext >= ? AND rtext < ? LIMIT ${COUNT_CAP})`,
    ),
    prefix: p(`SELECT text FROM canvass_texts WHERE ${ERAS} AND text >= ? AND text < ?`),
    suffix: p(`SELECT text FROM canvass_texts WHERE ${ERAS} AND rtext >= ? AND rtext < ?`),
    pairs: [1, 2, 3].map((k) =>
      p(
        `SELECT text FROM canvass_texts WHERE id IN (${Array.from({ length: k }, () => POSTING).join(' INTERSECT ')})`,
      ),
    ),
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

function fetch(s: Stmts, src: Source, memo: Map<string, number>): string[] {
  if (src.kind !== 'pairs') {
    const stmt = src.kind === 'prefix' ? s.prefix : s.suffix;
    return src.values.flatMap((v) => (stmt.all(v, v + HIGH) as { text: string }[]).map((r) => r.text));
  }
  const sized = src.entries
    .map((e) => ({ j: JSON.stringify(e), n: entryCount(s, e, memo) }))
    .sort((a, b) => a.n - b.n);
  // Each list intersected costs a scan of it: take the second and third only when they are short enough to pay off.
  let take = 1;
  if (sized[0]!.n > 1500 && sized[1]) take = sized[2] && sized[2].n <= 8 * sized[1].n ? 3 : 2;
  return (s.pairs[take - 1]!.all(...sized.slice(0, take).map((x) => x.j)) as { text: string }[]).map(
    (r) => r.text,
  );
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
  if (all.some((x) => x.length === 0)) {
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
