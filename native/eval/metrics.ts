// Scoring for the recognition evaluation: greedy IoU matching of detections to labelled
// plates, edit distance for character accuracy. Pure functions, shared by CLI and tests.
import { iou } from '../recognition/detector';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Greedy one-to-one matching, highest-scoring detection first (the VOC rule): a detection
 * matches the unmatched ground-truth box it overlaps most if that IoU >= `minIou`.
 * Returns for each ground-truth box the index of its detection, or -1.
 */
export function matchBoxes(gt: Box[], det: (Box & { score: number })[], minIou: number): number[] {
  const assigned = new Array<number>(gt.length).fill(-1);
  const order = det.map((_, i) => i).sort((a, b) => det[b]!.score - det[a]!.score);
  for (const d of order) {
    let best = -1;
    let bestIou = minIou;
    gt.forEach((g, gi) => {
      if (assigned[gi] !== -1) return;
      const v = iou(g, det[d]!);
      if (v >= bestIou) {
        bestIou = v;
        best = gi;
      }
    });
    if (best >= 0) assigned[best] = d;
  }
  return assigned;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Characters right, counted as length minus edit distance (never below zero). */
export function charsRight(pred: string, truth: string): number {
  return Math.max(0, truth.length - editDistance(pred, truth));
}

export function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
