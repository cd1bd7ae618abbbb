// The partial-plate pattern language (R11): plain text is exact, `?` is one unknown
// character, `*` any run (also none), `[8B]` or `[0-4]` a class; spaces and dashes between
// characters are ignored, case does not matter. Parsing never guesses: an error names the
// character and its 1-based position in what the analyst typed.
import { CanvassError } from '../errors';

export const PLATE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Longest plate text the store keeps (reads/plate.ts MAX_PLATE_LENGTH). */
export const MAX_PLATE_CHARS = 10;

export type Token =
  | { kind: 'lit'; ch: string; pos: number }
  | { kind: 'one'; pos: number }
  | { kind: 'class'; chars: string; pos: number }
  | { kind: 'any'; pos: number };

export interface Pattern {
  /** What the analyst typed. */
  source: string;
  /** Canonical form: upper-case, separators dropped, runs of `*` merged, classes sorted. */
  canonical: string;
  tokens: Token[];
  /** Fewest and most characters a matching plate can have (with `*`, the most is MAX_PLATE_CHARS). */
  minLength: number;
  maxLength: number;
  hasWildcard: boolean;
  regex: RegExp;
}

function fail(source: string, pos: number, message: string): never {
  throw new CanvassError('invalid_input', `Plate pattern "${source}": ${message} (position ${pos}).`, {
    field: 'pattern',
    position: pos,
  });
}

const isPlateChar = (c: string) => /^[A-Z0-9]$/.test(c);

/** Parses a pattern; throws CanvassError('invalid_input') with `details.position` (1-based). */
export function parsePattern(source: string): Pattern {
  const text = source.toUpperCase();
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const pos = i + 1;
    if (c === ' ' || c === '-' || c === '\t') {
      i++;
      continue;
    }
    if (isPlateChar(c)) tokens.push({ kind: 'lit', ch: c, pos });
    else if (c === '?') tokens.push({ kind: 'one', pos });
    else if (c === '*') {
      // `**` means the same as `*`; keeping one keeps the matcher linear.
      if (tokens[tokens.length - 1]?.kind !== 'any') tokens.push({ kind: 'any', pos });
    } else if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) fail(source, pos, '"[" opens a character class that is never closed with "]"');
      const chars = parseClass(source, text.slice(i + 1, close), i + 1);
      tokens.push(chars.length === 1 ? { kind: 'lit', ch: chars, pos } : { kind: 'class', chars, pos });
      i = close + 1;
      continue;
    } else if (c === ']') fail(source, pos, '"]" closes a class that was never opened with "["');
    else fail(source, pos, `"${source[i]}" is not a letter, digit, ?, * or [class]`);
    i++;
  }
  if (tokens.length === 0)
    fail(source, 1, 'the pattern is empty; type the characters you know, ? for one unknown, * for any run');
  const fixed = tokens.filter((t) => t.kind !== 'any').length;
  if (fixed > MAX_PLATE_CHARS) {
    const t = tokens.filter((x) => x.kind !== 'any')[MAX_PLATE_CHARS]!;
    fail(source, t.pos, `a plate has at most ${MAX_PLATE_CHARS} characters, this pattern needs ${fixed}`);
  }
  const hasAny = tokens.some((t) => t.kind === 'any');
  return {
    source,
    canonical: tokens.map(tokenText).join(''),
    tokens,
    minLength: fixed,
    maxLength: hasAny ? MAX_PLATE_CHARS : fixed,
    hasWildcard: tokens.some((t) => t.kind !== 'lit'),
    regex: new RegExp(`^${tokens.map(tokenRegex).join('')}$`),
  };
}

function parseClass(source: string, body: string, offset: number): string {
  const set = new Set<string>();
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    const pos = offset + k + 1;
    if (c === ' ' || c === '-') continue; // a stray dash is a separator, as outside classes
    if (!isPlateChar(c))
      fail(
        source,
        pos,
        `"${source[offset + k]}" cannot be in a class; use letters, digits or a range like 0-4`,
      );
    if (body[k + 1] === '-' && k + 2 < body.length) {
      const end = body[k + 2]!;
      const bothDigits = /\d/.test(c) && /\d/.test(end);
      const bothLetters = /[A-Z]/.test(c) && /[A-Z]/.test(end);
      if (!(bothDigits || bothLetters) || end < c)
        fail(source, pos, `"${c}-${end}" is not a range (use 0-9 or A-Z order)`);
      for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) set.add(String.fromCharCode(code));
      k += 2;
      continue;
    }
    set.add(c);
  }
  if (set.size === 0)
    fail(source, offset, '"[]" is an empty class; put the possible characters inside, like [8B]');
  return [...set].sort().join('');
}

export function tokenText(t: Token): string {
  switch (t.kind) {
    case 'lit':
      return t.ch;
    case 'one':
      return '?';
    case 'any':
      return '*';
    case 'class':
      return `[${t.chars}]`;
  }
}

function tokenRegex(t: Token): string {
  switch (t.kind) {
    case 'lit':
      return t.ch;
    case 'one':
      return '[A-Z0-9]';
    case 'any':
      return '[A-Z0-9]*';
    case 'class':
      return `[${t.chars}]`;
  }
}

/**
 * Plates released as hashes (public-records exports) can only be searched whole: a hex text of
 * 16-128 characters becomes an exact pattern for that hash, never a partial one.
 */
export function hashedPattern(source: string): Pattern | null {
  const h = source.trim().toLowerCase();
  if (!/^[0-9a-f]{16,128}$/.test(h)) return null;
  return {
    source,
    canonical: h,
    tokens: [],
    minLength: h.length,
    maxLength: h.length,
    hasWildcard: false,
    regex: new RegExp(`^${h}$`),
  };
}

/** Whether a stored plate text matches the pattern exactly (no misread tolerance). */
export function matches(p: Pattern, plate: string): boolean {
  return p.regex.test(plate);
}

/** The characters a fixed token allows (all 36 for `?`). */
export function tokenChars(t: Token): string {
  if (t.kind === 'lit') return t.ch;
  if (t.kind === 'class') return t.chars;
  return PLATE_ALPHABET;
}

/**
 * All plates a pattern without `*` stands for, or null when there would be more than `limit`
 * (used by tests and to answer small class patterns by exact lookup).
 */
export function expand(p: Pattern, limit = 10_000): string[] | null {
  if (p.tokens.some((t) => t.kind === 'any')) return null;
  let out = [''];
  for (const t of p.tokens) {
    const chars = tokenChars(t);
    if (out.length * chars.length > limit) return null;
    const next: string[] = [];
    for (const prefix of out) for (const c of chars) next.push(prefix + c);
    out = next;
  }
  return out;
}
