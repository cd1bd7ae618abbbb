// Plate text across the frames of one pass: how alike two readings are, and how many readings
// of the same plate vote for one text, per-character confidences and ranked alternatives.

export interface Reading {
  text: string;
  confidence: number;
  charConfidences: number[];
}

/** Levenshtein distance (plates are short, so the plain O(n·m) table is fine). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** 1 for equal texts, 0 for nothing in common; 0.5 when either side is unreadable. */
export function similarity(a: string, b: string): number {
  if (!a || !b) return 0.5;
  return 1 - editDistance(a, b) / Math.max(a.length, b.length);
}

export interface Consensus {
  text: string;
  confidence: number;
  charConfidences: number[];
  alternatives: { text: string; confidence: number }[];
}

/**
 * Votes: the length most readings agree on (weighted by confidence) wins; then each position
 * takes the character with the largest summed character confidence among readings of that
 * length. A character's confidence is its share of the position's votes times the mean
 * confidence of its voters, so disagreement between frames lowers it. Alternatives are the
 * runner-up at each doubtful position, then other whole texts seen.
 */
export function consensus(readings: Reading[], maxAlternatives = 5): Consensus | null {
  const usable = readings.filter((r) => r.text.length > 0);
  if (usable.length === 0) return null;
  const byLength = new Map<number, number>();
  for (const r of usable) byLength.set(r.text.length, (byLength.get(r.text.length) ?? 0) + r.confidence + 1e-6);
  const len = [...byLength.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
  const voters = usable.filter((r) => r.text.length === len);
  const chars: string[] = [];
  const confs: number[] = [];
  const runnersUp: { pos: number; ch: string; conf: number }[] = [];
  for (let i = 0; i < len; i++) {
    const votes = new Map<string, { sum: number; n: number }>();
    let total = 0;
    for (const r of voters) {
      const c = r.charConfidences[i] ?? r.confidence;
      const v = votes.get(r.text[i]!) ?? { sum: 0, n: 0 };
      v.sum += c + 1e-6;
      v.n++;
      total += c + 1e-6;
      votes.set(r.text[i]!, v);
    }
    const ranked = [...votes.entries()].sort((a, b) => b[1].sum - a[1].sum || (a[0] < b[0] ? -1 : 1));
    const [ch, v] = ranked[0]!;
    chars.push(ch);
    confs.push(round((v.sum / total) * (v.sum / v.n)));
    const second = ranked[1];
    if (second) runnersUp.push({ pos: i, ch: second[0], conf: round((second[1].sum / total) * (second[1].sum / second[1].n)) });
  }
  const text = chars.join('');
  // The weakest character bounds the text; so does the reader's own confidence in the whole
  // text (a CTC reading can be sure of each character yet unsure of the text, e.g. a stray
  // character). Take the best whole-text confidence among readings that say exactly `text`.
  const agreeing = voters.filter((r) => r.text === text).map((r) => r.confidence);
  const whole = agreeing.length ? Math.max(...agreeing) : voters.reduce((a, r) => a + r.confidence, 0) / voters.length;
  const confidence = round(Math.min(whole, confs.reduce((p, c) => Math.min(p, c), 1)));
  const alts = new Map<string, number>();
  for (const r of runnersUp.sort((a, b) => b.conf - a.conf)) {
    const t = text.slice(0, r.pos) + r.ch + text.slice(r.pos + 1);
    alts.set(t, Math.max(alts.get(t) ?? 0, r.conf));
  }
  const seen = new Map<string, number>();
  for (const r of usable) if (r.text !== text) seen.set(r.text, Math.max(seen.get(r.text) ?? 0, r.confidence));
  for (const [t, c] of seen) if (!alts.has(t)) alts.set(t, round(c * 0.5));
  const alternatives = [...alts.entries()]
    .filter(([t]) => t !== text)
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxAlternatives)
    .map(([t, c]) => ({ text: t, confidence: c }));
  return { text, confidence, charConfidences: confs, alternatives };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
