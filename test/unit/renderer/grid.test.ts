// Grid math of the offline map background: spacing per zoom, line positions without
// floating-point dust, and labels with hemispheres.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsFor, formatDegrees, GRID_STEPS, gridLines, gridStep } from '../../../renderer/src/map/grid';
import { labelPositions, thin } from '../../../renderer/src/map/gridLabels';

describe('coordinate grid', () => {
  it('gets finer as the map zooms in, with at least two lines per tile', () => {
    let last = Infinity;
    for (let z = 0; z <= 19; z++) {
      const step = gridStep(z);
      expect(step).toBeLessThanOrEqual(last);
      expect(GRID_STEPS).toContain(step);
      if (step !== GRID_STEPS[GRID_STEPS.length - 1]) expect(360 / 2 ** z / step).toBeGreaterThanOrEqual(2);
      last = step;
    }
    expect(gridStep(0)).toBe(30);
    expect(gridStep(12)).toBe(0.02);
  });

  it('lists exact multiples inside the range', () => {
    expect(gridLines(47.55, 47.72, 0.05)).toEqual([47.55, 47.6, 47.65, 47.7]);
    expect(gridLines(-122.45, -122.3, 0.1)).toEqual([-122.4, -122.3]);
    expect(gridLines(0.1, 0.35, 0.1)).toEqual([0.1, 0.2, 0.3]);
    expect(gridLines(5, 4, 1)).toEqual([]);
    expect(gridLines(0, 1, 0)).toEqual([]);
  });

  it('for any range and step: sorted, in range, evenly spaced multiples', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 179, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.constantFrom(...GRID_STEPS.filter((s) => s >= 0.001)),
        (min, width, step) => {
          const lines = gridLines(min, min + width, step);
          for (let i = 0; i < lines.length; i++) {
            const v = lines[i]!;
            expect(v).toBeGreaterThanOrEqual(min - 1e-6);
            expect(v).toBeLessThanOrEqual(min + width + 1e-6);
            expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-6);
            if (i > 0) expect(v - lines[i - 1]!).toBeCloseTo(step, 6);
          }
          expect(lines.length).toBeLessThanOrEqual(Math.floor(width / step) + 2);
        },
      ),
    );
  });

  it('labels with hemispheres and as many decimals as the step needs', () => {
    expect(decimalsFor(10)).toBe(0);
    expect(decimalsFor(0.5)).toBe(1);
    expect(decimalsFor(0.25)).toBe(2);
    expect(decimalsFor(0.0005)).toBe(4);
    expect(formatDegrees(47.6, 'lat', 0.1)).toBe('47.6°N');
    expect(formatDegrees(-122.35, 'lon', 0.05)).toBe('122.35°W');
    expect(formatDegrees(0, 'lon', 1)).toBe('0°');
    expect(formatDegrees(-33.9, 'lat', 0.1)).toBe('33.9°S');
  });
});

describe('grid labels', () => {
  it('keeps labels inside the view and apart', () => {
    const lines = [-10, 20, 50, 60, 130, 190, 400].map((px, i) => ({ value: i, px }));
    expect(thin(lines, 300, 40).map((l) => l.px)).toEqual([20, 60, 130, 190]);
    const spots = labelPositions(lines, lines, { width: 300, height: 100, minGapPx: 80 });
    expect(spots.lon.map((l) => l.px)).toEqual([20, 130]);
    expect(spots.lat.map((l) => l.px)).toEqual([20, 60]);
  });
});
