// State plate syntax: the letter O and the digit 0 by where they stand on a state's standard plate.
//
// Many states print O and 0 with one glyph (Arkansas "355 OCT", Colorado "031 XOP", Iowa "778 AOS"),
// so no reader can tell them apart by shape; the reader writes the digit, as the US crops' labels do
// for the round glyph of a vanity word (CHICAG0, CUST0M). On a standard (serial-issued) plate the
// position decides: a letter group holds O, a digit group 0. When the state printed on the plate is
// known, a reading that fits none of that state's standard formats, but fits one after turning one
// or two of its round glyphs into the other, is that plate read with the glyph it has in that place.
// Vanity plates fit no standard format either way and keep what the reader wrote.
// (docs/recognition.md "State plate syntax"; training/README.md "Session 12".)
import type { PlateReading } from './reader';

/**
 * Standard passenger-plate serial formats by state, as letter (L) / digit (D) shapes without
 * spaces, dashes or the state's emblem, from the states' published formats (current and recent
 * series still on the road), plus (revision 2) each shape with a letter and at least two digits that
 * two or more of the state's labels in the tuning half of us-plate-crops have (HI LLDDD, IA DDDDLL,
 * LA LDDDDDD, MN LLDDD, NC LDDDD, VA LLDDDD, WI LLLDDD, WV DLDDDD). Only states whose formats are
 * few and serial: those that put a county number first in varying lengths (Idaho, Montana,
 * Nebraska, Wyoming) or issue digit-only plates (Delaware, New Hampshire) are left out, so their
 * readings are never changed.
 */
export const STATE_FORMATS: Readonly<Record<string, readonly string[]>> = {
  AK: ['LLLDDD'],
  AL: ['DLDDDDL', 'DDLDDDL'],
  AR: ['DDDLLL', 'LLLDDD'],
  AZ: ['LLLDDDD', 'DDDLLL'],
  CA: ['DLLLDDD'],
  CO: ['DDDLLL', 'LLLDDDD'],
  CT: ['DDDLLL', 'LLDDDDD'],
  DC: ['LLDDDD'],
  FL: ['LDDDLL', 'LLLLDD'],
  GA: ['LLLDDDD'],
  HI: ['LLLDDD', 'LLDDD'],
  IA: ['DDDLLL', 'LLLDDD', 'DDDDLL'],
  IL: ['LLDDDDD', 'LDDDDDD'],
  IN: ['DDDLLL'],
  KS: ['DDDLLL'],
  KY: ['DDDLLL'],
  LA: ['LLLDDD', 'LDDDDDD'],
  MA: ['DLLDDD', 'DDLLDD', 'DDDLLD', 'DLLLDD'],
  MD: ['DLLDDDD', 'LLLDDD'],
  ME: ['DDDDLL', 'DDDLLL'],
  MI: ['LLLDDDD'],
  MN: ['LLLDDD', 'DDDLLL', 'LLDDD'],
  MO: ['LLDLDL'],
  MS: ['LLLDDD', 'LLLDDDD'],
  NC: ['LLLDDDD', 'LDDDD'],
  ND: ['LLLDDD'],
  NJ: ['LLLDDL', 'LDDLLL'],
  NM: ['LLLDDD', 'DDDLLL'],
  NV: ['DDDLLL'],
  NY: ['LLLDDDD'],
  OH: ['LLLDDDD'],
  OK: ['DDDLLL', 'LLLDDD'],
  OR: ['DDDLLL', 'LLLDDD'],
  PA: ['LLLDDDD'],
  RI: ['LLDDD'],
  SC: ['LLLDDD'],
  SD: ['DLLDDD', 'DDLLDDD'],
  TN: ['DDDLLL'],
  TX: ['LLDLDDD', 'LLLDDDD'],
  UT: ['LDDDLL', 'DDDLLL'],
  VA: ['LLLDDDD', 'DDDDLL', 'LLDDDD'],
  VT: ['LLLDDD'],
  WA: ['LLLDDDD', 'DDDLLL'],
  WI: ['LLLDDDD', 'DDDLLL', 'LLLDDD'],
  WV: ['DLLDDD', 'DLDDDD'],
};

/**
 * Version of the table and rule, recorded in a footage read's provenance when the syntax changed its
 * text (1: the published formats; 2: plus the tuning labels' shapes; both session 12).
 */
export const STATE_SYNTAX_RULE = 2;

/** At most this many round glyphs are turned (a reading further from every format is left alone). */
export const MAX_SYNTAX_FLIPS = 2;

/** L for a letter, D for a digit, per character. */
export function plateShape(text: string): string {
  return text.replace(/[A-Z]/g, 'L').replace(/[0-9]/g, 'D');
}

const flip = (c: string) => (c === '0' ? 'O' : c === 'O' ? '0' : c);

/**
 * The text a standard plate of `state` with this reading carries, or null when the reading fits a
 * format already, fits none within MAX_SYNTAX_FLIPS turned round glyphs, fits in more than one way
 * with the fewest turns, or the state has no formats here.
 */
export function syntaxText(text: string, state: string | null | undefined): string | null {
  const formats = state ? STATE_FORMATS[state] : undefined;
  if (!formats) return null;
  const fits = (t: string) => formats.includes(plateShape(t));
  if (fits(text)) return null;
  const round = [...text].flatMap((c, i) => (c === '0' || c === 'O' ? [i] : []));
  // fewest turns first; a reading two ways apart at that count is ambiguous and kept
  let layer: number[][] = [[]];
  for (let k = 1; k <= Math.min(MAX_SYNTAX_FLIPS, round.length); k++) {
    layer = layer.flatMap((set) => round.filter((i) => i > (set.at(-1) ?? -1)).map((i) => [...set, i]));
    const found = new Set(
      layer
        .map((set) => [...text].map((c, i) => (set.includes(i) ? flip(c) : c)).join(''))
        .filter(fits),
    );
    if (found.size === 1) return [...found][0]!;
    if (found.size > 1) return null;
  }
  return null;
}

/**
 * Whether the syntax could change this reading for some state in the table: when not, reading the
 * plate's state for the syntax's sake is wasted work (the result is the same whatever it names).
 */
export function syntaxCouldApply(text: string): boolean {
  return /[0O]/.test(text) && Object.keys(STATE_FORMATS).some((state) => syntaxText(text, state) !== null);
}

/**
 * Top-k after the syntax chose `text`: it leads (with the reading's probability: the same glyphs), the
 * reader's own follow, and the list keeps its length, so top-k still means k readings.
 */
function syntaxAlternatives<A extends { text: string; confidence: number }>(text: string, confidence: number, alternatives: readonly A[]): { text: string; confidence: number }[] {
  return [{ text, confidence }, ...alternatives.filter((a) => a.text !== text)].slice(0, Math.max(1, alternatives.length));
}

/**
 * The reading with the state's plate syntax applied (see syntaxText): the text changes, each
 * character keeps its confidence (the glyph is the same one), and the new text leads the
 * alternatives (syntaxAlternatives). Unchanged (the same object) when the rule does not apply.
 */
export function stateSyntax(r: PlateReading, state: string | null | undefined): PlateReading {
  const text = syntaxText(r.text, state);
  if (text === null) return r;
  return { ...r, text, alternatives: syntaxAlternatives(text, r.confidence, r.alternatives) };
}
