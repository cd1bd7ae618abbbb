// CTC decoding (pure): beam search merges alignments and ranks alternatives; forced alignment
// gives one confidence per character.
import { describe, expect, it } from 'vitest';
import { beamSearch, charConfidences } from '../../../native/recognition/ctc';

const CHARSET = 'AB';

/** Rows of [blank, A, B] probabilities. */
function probs(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

describe('ctc', () => {
  it('collapses repeats only across a blank', () => {
    const p = probs([
      [0.01, 0.98, 0.01],
      [0.01, 0.98, 0.01],
      [0.98, 0.01, 0.01],
      [0.01, 0.98, 0.01],
    ]);
    const [best] = beamSearch(p, 4, 3, CHARSET);
    expect(best!.text).toBe('AA');
    expect(best!.confidence).toBeGreaterThan(0.9);
  });

  it('ranks an uncertain character as the second alternative', () => {
    const p = probs([
      [0.0, 1.0, 0.0],
      [1.0, 0.0, 0.0],
      [0.0, 0.4, 0.6],
    ]);
    const alts = beamSearch(p, 3, 3, CHARSET);
    expect(alts.map((a) => a.text).slice(0, 2)).toEqual(['AB', 'AA']);
    expect(alts[0]!.confidence).toBeCloseTo(0.6, 5);
    expect(charConfidences(p, 3, 3, CHARSET, 'AB')).toEqual([1, expect.closeTo(0.6, 5)]);
  });

  it('gives no characters for an empty reading', () => {
    const p = probs([[1, 0, 0]]);
    expect(beamSearch(p, 1, 3, CHARSET)[0]!.text).toBe('');
    expect(charConfidences(p, 1, 3, CHARSET, '')).toEqual([]);
  });
});
