// CTC decoding for the plate reader: prefix beam search for top-k readings, and a forced
// (Viterbi) alignment that gives each character of a chosen reading its own confidence.
// Pure functions over a [T x C] probability matrix, class 0 = blank.

export interface Reading {
  text: string;
  /** Probability of the reading summed over all its alignments (0..1). */
  confidence: number;
}

interface Beam {
  prefix: string;
  last: number; // class of the last character, 0 when empty
  pb: number; // probability of the prefix with paths ending in blank
  pnb: number; // ... ending in its last character
}

/**
 * Prefix beam search. `probs` is row-major [T][C]. A character is only tried where its
 * probability is >= `prune`; the result is then unchanged in practice and the search stays
 * well under a millisecond for a confident plate.
 */
export function beamSearch(probs: Float32Array, T: number, C: number, charset: string, beamWidth = 10, topK = 5, prune = 1e-3): Reading[] {
  let beams: Beam[] = [{ prefix: '', last: 0, pb: 1, pnb: 0 }];
  const cand: number[] = [];
  for (let t = 0; t < T; t++) {
    const row = t * C;
    cand.length = 0;
    for (let c = 1; c < C; c++) if (probs[row + c]! >= prune) cand.push(c);
    const blank = probs[row]!;
    const next = new Map<string, Beam>();
    const slot = (prefix: string, last: number): Beam => {
      let b = next.get(prefix);
      if (!b) {
        b = { prefix, last, pb: 0, pnb: 0 };
        next.set(prefix, b);
      }
      return b;
    };
    for (const b of beams) {
      const total = b.pb + b.pnb;
      const same = slot(b.prefix, b.last);
      same.pb += total * blank;
      for (const c of cand) {
        const p = probs[row + c]!;
        if (c === b.last) {
          // a repeated character extends the prefix only after a blank; otherwise it collapses
          slot(b.prefix + charset[c - 1]!, c).pnb += b.pb * p;
          same.pnb += b.pnb * p;
        } else {
          slot(b.prefix + charset[c - 1]!, c).pnb += total * p;
        }
      }
    }
    beams = [...next.values()];
    if (beams.length > beamWidth) {
      beams.sort((x, y) => y.pb + y.pnb - (x.pb + x.pnb));
      beams.length = beamWidth;
    }
  }
  return beams
    .map((b) => ({ text: b.prefix, confidence: b.pb + b.pnb }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, topK);
}

/**
 * Per-character confidence of `text`: the best (Viterbi) alignment of the text to the
 * frames, then for each character the highest probability it gets on its own frames.
 */
export function charConfidences(probs: Float32Array, T: number, C: number, charset: string, text: string): number[] {
  const L = text.length;
  if (L === 0) return [];
  const labels = [...text].map((ch) => charset.indexOf(ch) + 1);
  const S = 2 * L + 1; // blank, c1, blank, c2, ..., blank
  const cls = (s: number) => (s % 2 === 0 ? 0 : labels[(s - 1) / 2]!);
  const NEG = -Infinity;
  const score = new Float64Array(T * S).fill(NEG);
  const back = new Int32Array(T * S).fill(-1);
  const lp = (t: number, s: number) => Math.log(Math.max(probs[t * C + cls(s)]!, 1e-12));
  score[0] = lp(0, 0);
  if (S > 1) score[1] = lp(0, 1);
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let best = score[(t - 1) * S + s]!;
      let arg = s;
      if (s > 0 && score[(t - 1) * S + s - 1]! > best) {
        best = score[(t - 1) * S + s - 1]!;
        arg = s - 1;
      }
      if (s > 1 && s % 2 === 1 && cls(s) !== cls(s - 2) && score[(t - 1) * S + s - 2]! > best) {
        best = score[(t - 1) * S + s - 2]!;
        arg = s - 2;
      }
      if (best > NEG) {
        score[t * S + s] = best + lp(t, s);
        back[t * S + s] = arg;
      }
    }
  }
  let s = S > 1 && score[(T - 1) * S + S - 2]! > score[(T - 1) * S + S - 1]! ? S - 2 : S - 1;
  const conf = new Array<number>(L).fill(0);
  for (let t = T - 1; t >= 0 && s >= 0; t--) {
    if (s % 2 === 1) {
      const i = (s - 1) / 2;
      conf[i] = Math.max(conf[i]!, probs[t * C + labels[i]!]!);
    }
    s = t > 0 ? back[t * S + s]! : -1;
  }
  return conf;
}
