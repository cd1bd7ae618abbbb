// mergeCloseUps: how boxes of a smaller detector pass join the main pass's read boxes (issue 3,
// training/README.md "Session 11"). Pure function over readings; the engine test runs it on photos.
import { describe, expect, it } from 'vitest';
import { mergeCloseUps, type RecognizedPlate } from '../../../native/recognition/index';

function plate(text: string, x: number, w: number, score: number, verified: boolean): RecognizedPlate {
  return {
    box: { x, y: 100, w, h: w / 2, score },
    text,
    confidence: verified ? 0.9 : 0.05,
    charConfidences: [...text].map(() => (verified ? 0.9 : 0.05)),
    alternatives: [{ text, confidence: verified ? 0.9 : 0.05 }],
    verified,
  };
}

describe('mergeCloseUps', () => {
  it('lets a confirmed close-up box with the better score replace the main box it covers', () => {
    const part = plate('ELL', 120, 150, 0.6, true); // the main pass saw part of a large plate
    const whole = plate('HELL', 100, 200, 0.8, true);
    expect(mergeCloseUps([part], [whole]).map((p) => p.text)).toEqual(['HELL']);
  });

  it('never lets an unconfirmed close-up box suppress a box, and keeps it only where no box lies', () => {
    const read = plate('BLKMJK', 100, 200, 0.5, true);
    const blank = plate('', 90, 220, 0.9, false); // over the read plate, better detector score
    const apart = plate('', 800, 200, 0.7, false);
    const out = mergeCloseUps([read], [blank, apart]);
    expect(out.map((p) => [p.text, p.box.x])).toEqual([
      ['', 800],
      ['BLKMJK', 100],
    ]);
  });

  it('keeps the main box when its score beats an overlapping confirmed close-up, and keeps boxes apart', () => {
    const main = [plate('7ABC123', 100, 200, 0.9, true), plate('4DEF567', 600, 100, 0.4, true)];
    const near = [plate('7ABC12', 110, 190, 0.7, true)];
    expect(mergeCloseUps(main, near).map((p) => p.text)).toEqual(['7ABC123', '4DEF567']);
    expect(mergeCloseUps(main, [])).toEqual(main);
  });
});
