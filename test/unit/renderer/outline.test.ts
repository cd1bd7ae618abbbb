// The plate outline drawn on a footage read's context frame, taken from stored provenance JSON:
// corners when the corner net gave them, else the box; nothing for anything malformed.
import { describe, expect, it } from 'vitest';
import { plateOutline } from '../../../renderer/src/reads/outline';

const corners = [
  { x: 10, y: 20 },
  { x: 110, y: 25 },
  { x: 108, y: 70 },
  { x: 8, y: 64 },
];

describe('plateOutline', () => {
  it('takes the corners, in the frame size they were measured in', () => {
    expect(plateOutline({ frameSize: { width: 1920, height: 1080 }, box: { x: 5, y: 15, w: 110, h: 60 }, corners })).toEqual({
      width: 1920,
      height: 1080,
      points: corners,
      kind: 'corners',
    });
  });

  it('falls back to the box for reads made before corners', () => {
    expect(plateOutline({ frameSize: { width: 640, height: 480 }, box: { x: 5, y: 15, w: 100, h: 50 } })).toEqual({
      width: 640,
      height: 480,
      points: [
        { x: 5, y: 15 },
        { x: 105, y: 15 },
        { x: 105, y: 65 },
        { x: 5, y: 65 },
      ],
      kind: 'box',
    });
    // three corners or a corner that is no point: the box, not a wrong outline
    expect(plateOutline({ frameSize: { width: 640, height: 480 }, box: { x: 5, y: 15, w: 100, h: 50 }, corners: corners.slice(0, 3) })?.kind).toBe('box');
    expect(plateOutline({ frameSize: { width: 640, height: 480 }, box: { x: 5, y: 15, w: 100, h: 50 }, corners: [...corners.slice(0, 3), { x: 'a', y: 1 }] })?.kind).toBe('box');
  });

  it('gives nothing without a usable frame size or any shape (imported reads, older footage reads)', () => {
    expect(plateOutline(null)).toBeNull();
    expect(plateOutline({ kind: 'csv' })).toBeNull();
    expect(plateOutline({ box: { x: 5, y: 15, w: 100, h: 50 }, corners })).toBeNull(); // no frame size
    expect(plateOutline({ frameSize: { width: 0, height: 480 }, corners })).toBeNull();
    expect(plateOutline({ frameSize: { width: '640', height: 480 }, corners })).toBeNull();
    expect(plateOutline({ frameSize: { width: 640, height: 480 }, box: { x: 5, y: 15, w: -1, h: 50 } })).toBeNull();
  });
});
