// How plate readers misread, and the misread-tolerant matcher (R11). Readers confuse
// characters that look alike (0/O/D/Q, 1/I/T/7, 2/Z, 5/S, 6/G, 8/B, 4/A, U/V/Y, M/N/H) and
// now and then drop or add one character. A tolerant match aligns the pattern with a stored
// plate allowing a few look-alike substitutions and at most one missing or extra character;
// the read's own per-character confidences then say how plausible each substitution is.
// Tolerant means: up to two look-alike substitutions, or one missing or extra character.
import { tokenChars, type Pattern, type Token } from './pattern';

export const CONFUSION_GROUPS: readonly string[] = [
  '0ODQ',
  '1IT7',
  '2Z',
  '5S',
  '6G',
  '8B',
  '4A',
  'UVY',
  'MNH',
];

const GROUP_OF: ReadonlyMap<string, string> = new Map(
  CONFUSION_GROUPS.flatMap((g) => [...g].map((c) => [c, g] as const)),
);

/** The characters a reader may print for `c` (c itself included). */
export function lookAlikes(c: string): string {
  return GROUP_OF.get(c) ?? c;
}

export function confusable(a: string, b: string): boolean {
  return a === b || (GROUP_OF.get(a) !== undefined && GROUP_OF.get(a) === GROUP_OF.get(b));
}

/** Widens each fixed token to the characters it could have been misread as. */
export function widenToken(t: Token): string {
  if (t.kind === 'one' || t.kind === 'any') return '';
  const set = new Set<string>();
  for (const c of tokenChars(t)) for (const x of lookAlikes(c)) set.add(x);
  return [...set].sort().join('');
}

export interface Substitution {
  /** 0-based index in the stored plate text. */
  index: number;
  /** What the pattern asked for there (a character or a class like [8B]). */
  expected: string;
  /** What the reader printed. */
  got: string;
}

export interface Indel {
  kind: 'missing' | 'extra';
  /** 0-based index in the stored text (for `missing`: where the character would be). */
  index: number;
  expected?: string;
}

export interface Alignment {
  subs: Substitution[];
  indel: Indel | null;
}

export interface TolerantOptions {
  /** Most look-alike substitutions allowed (default 2). */
  maxSubs?: number;
  /** Allow one missing or extra character (default true). */
  indel?: boolean;
}

const INF = 1 << 20;
const INDEL_COST = 3; // an indel weighs more than a look-alike so exact lengths win ties
const NO = 255;

/**
 * Compiles the tolerant aligner of a pattern: per token a table from character code to 0
 * (allowed), 1 (a look-alike of an allowed character) or NO, and DP buffers reused across
 * calls, so checking tens of thousands of candidate plates stays in the tens of milliseconds.
 */
export function compileTolerant(p: Pattern, opts: TolerantOptions = {}): (text: string) => Alignment | null {
  const maxSubs = opts.maxSubs ?? 2;
  const maxIndel = opts.indel === false ? 0 : 1;
  const toks = p.tokens;
  const m = toks.length;
  const isAny = toks.map((t) => t.kind === 'any');
  const table = toks.map((t) => {
    const row = new Uint8Array(128).fill(NO);
    if (t.kind === 'any') return row;
    const allowed = tokenChars(t);
    for (const c of allowed)
      for (const x of lookAlikes(c)) if (row[x.charCodeAt(0)] === NO) row[x.charCodeAt(0)] = 1;
    for (const c of allowed) row[c.charCodeAt(0)] = 0;
    return row;
  });
  const hasAny = isAny.some(Boolean);
  const maxN = MAX_TEXT + 1;
  const size = (m + 1) * maxN;
  const cost = new Int32Array(2 * size);
  const from = new Int32Array(2 * size);
  /** Dynamic-programming relaxation: take the cheaper way into `cell`, remembering where it came from. */
  const relax = (cell: number, v: number, here: number) => {
    if (v < cost[cell]!) {
      cost[cell] = v;
      from[cell] = here;
    }
  };
  return (text: string): Alignment | null => {
    const n = text.length;
    if (n > MAX_TEXT || n < p.minLength - maxIndel || (!hasAny && n > p.maxLength + maxIndel)) return null;
    const W = n + 1;
    const sz = (m + 1) * W;
    cost.fill(INF, 0, 2 * sz);
    from.fill(-1, 0, 2 * sz);
    cost[0] = 0;
    for (let i = 0; i <= m; i++) {
      const any = i < m && isAny[i]!;
      const row = i < m ? table[i]! : null;
      for (let j = 0; j <= n; j++) {
        for (let e = 0; e <= maxIndel; e++) {
          const here = e * sz + i * W + j;
          const c = cost[here]!;
          if (c >= INF) continue;
          if (any) {
            relax(here + W, c, here); // the run ends here
            if (j < n) relax(here + 1, c, here); // one more character
            continue;
          }
          if (row && j < n) {
            const k = row[text.charCodeAt(j) & 127]!;
            if (k !== NO) relax(here + W + 1, c + k, here);
          }
          if (e < maxIndel) {
            const v = c + INDEL_COST;
            if (row) relax(here + sz + W, v, here); // reader dropped it
            if (j < n) relax(here + sz + 1, v, here); // reader added one
          }
        }
      }
    }
    let best = -1;
    for (let e = 0; e <= maxIndel; e++) {
      const cell = e * sz + m * W + n;
      if (cost[cell]! < INF && (best < 0 || cost[cell]! < cost[best]!)) best = cell;
    }
    if (best < 0 || cost[best]! > maxSubs + maxIndel * INDEL_COST) return null;
    // Walk back to name each substitution and the indel.
    const subs: Substitution[] = [];
    let indel: Indel | null = null;
    let cell = best;
    while (from[cell]! >= 0) {
      const prev = from[cell]!;
      const pe = Math.floor(prev / sz);
      const pi = Math.floor((prev % sz) / W);
      const pj = prev % W;
      const ce = Math.floor(cell / sz);
      const ci = Math.floor((cell % sz) / W);
      const cj = cell % W;
      const t = toks[pi];
      if (ce > pe) {
        indel =
          ci > pi
            ? { kind: 'missing', index: pj, expected: t ? describeToken(t) : '?' }
            : { kind: 'extra', index: pj };
      } else if (ci > pi && cj > pj && t && t.kind !== 'any' && table[pi]![text.charCodeAt(pj) & 127] === 1) {
        subs.push({ index: pj, expected: describeToken(t), got: text[pj]! });
      }
      cell = prev;
    }
    // Look-alikes or one missing/extra character, not both: together they match too much.
    if (subs.length > maxSubs || (indel && subs.length > 0)) return null;
    subs.reverse();
    return { subs, indel };
  };
}

/** Longest stored text the aligner looks at (hashed plates are longer and never tolerant-matched). */
const MAX_TEXT = 16;

/** One-off alignment (tests, watches); searches compile once with compileTolerant. */
export function alignTolerant(p: Pattern, text: string, opts: TolerantOptions = {}): Alignment | null {
  return compileTolerant(p, opts)(text);
}

function describeToken(t: Token): string {
  if (t.kind === 'lit') return t.ch;
  if (t.kind === 'class') return `[${t.chars}]`;
  return '?';
}

/**
 * How likely the stored text hides a match, 0..1, given the alignment and the read's
 * per-character confidences: a look-alike at a character read with low confidence is
 * plausible, at one read with 0.99 it is not; a missing or extra character is a weaker hint.
 */
export function plausibility(a: Alignment, charConf: readonly number[] | null): number {
  let q = 1;
  for (const s of a.subs) {
    const c = charConf?.[s.index];
    q *= c === undefined ? 0.6 : 0.35 + 0.6 * (1 - clamp01(c));
  }
  if (a.indel) q *= 0.45;
  return q;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Words for the audit-friendly "why": one line per substitution and indel. */
export function explainAlignment(a: Alignment, text: string, charConf: readonly number[] | null): string[] {
  const out: string[] = [];
  for (const s of a.subs) {
    const c = charConf?.[s.index];
    const conf = c === undefined ? '' : ` at ${c.toFixed(2)}`;
    out.push(`char ${s.index + 1} read ${s.got}${conf} — could be ${s.expected.replace(/^\[|\]$/g, '')}`);
  }
  if (a.indel?.kind === 'missing') {
    out.push(
      `one character (${a.indel.expected}) may be missing before char ${a.indel.index + 1} of ${text}`,
    );
  } else if (a.indel?.kind === 'extra') {
    out.push(`char ${a.indel.index + 1} (${text[a.indel.index]}) of ${text} may be an extra character`);
  }
  return out;
}
