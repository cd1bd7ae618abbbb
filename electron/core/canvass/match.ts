// Matching one read against a compiled query: the plate text exactly, through look-alike
// characters and one missing/extra character (weighed by the read's own per-character
// confidences), or through one of its stored alternative readings. Gives a 0..1 quality
// and the reasons in words.
import type { MatchVia } from '../../api/types-canvass';
import { compileTolerant, explainAlignment, plausibility, type Alignment } from './confusions';
import { matches, parsePattern, type Pattern } from './pattern';
import { parseAlternatives, parseConf, type ReadRow } from './reads';

export interface Matcher {
  pattern: Pattern;
  tolerant: boolean;
  /** Text-level check used on the plate summary: null = cannot match. */
  text(plate: string): Alignment | null;
  /** Read-level check with confidences and alternatives: null = no match. */
  read(r: ReadRow): ReadMatch | null;
}

export interface ReadMatch {
  via: MatchVia;
  quality: number;
  reasons: string[];
}

/** Weight of a match found only through an alternative reading, by its confidence. */
const altQuality = (confidence: number) => 0.5 + 0.4 * Math.max(0, Math.min(1, confidence));

export function compileMatcher(source: string | Pattern, tolerant: boolean): Matcher {
  const pattern = typeof source === 'string' ? parsePattern(source) : source;
  const memo = new Map<string, Alignment | null>();
  const align = tolerant ? compileTolerant(pattern) : null;
  const text = (plate: string): Alignment | null => {
    let a = memo.get(plate);
    if (a === undefined) {
      a = matches(pattern, plate) ? { subs: [], indel: null } : align ? align(plate) : null;
      memo.set(plate, a);
    }
    return a;
  };
  return {
    pattern,
    tolerant,
    text,
    read(r) {
      const a = text(r.plate);
      if (a && a.subs.length === 0 && !a.indel) return { via: 'exact', quality: 1, reasons: [] };
      let best: ReadMatch | null = null;
      if (tolerant) {
        // Stored alternatives are what the reader itself thought the plate might be.
        const alts = parseAlternatives(r);
        for (let k = 0; k < alts.length; k++) {
          const alt = alts[k]!;
          if (!matches(pattern, alt.text)) continue;
          const q = altQuality(alt.confidence);
          if (!best || q > best.quality) {
            best = {
              via: 'alternative',
              quality: q,
              reasons: [
                `matched via alternative reading #${k + 1} (${alt.text} at ${alt.confidence.toFixed(2)}); read as ${r.plate}`,
              ],
            };
          }
        }
        if (a) {
          const conf = parseConf(r);
          const q = plausibility(a, conf);
          if (!best || q > best.quality)
            best = { via: 'tolerant', quality: q, reasons: explainAlignment(a, r.plate, conf) };
        }
      }
      return best;
    },
  };
}
