// Coordinate-grid math for the offline map background (tiles kind 'none'): which lat/lon
// lines to draw at a zoom level and how to label them. Pure, so it is unit-tested without a
// browser; map/gridLayer.ts does the drawing.

/** Grid spacings in degrees, coarse to fine; every one divides 90 evenly enough to look regular. */
export const GRID_STEPS = [
  30, 15, 10, 5, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001,
];

/**
 * The spacing for a zoom level: the coarsest step that still puts at least `perTile` lines
 * across one 256-px tile (a tile spans 360 / 2^zoom degrees of longitude).
 */
export function gridStep(zoom: number, perTile = 2): number {
  const tileDegrees = 360 / 2 ** zoom;
  for (const step of GRID_STEPS) {
    if (tileDegrees / step >= perTile) return step;
  }
  return GRID_STEPS[GRID_STEPS.length - 1]!;
}

/** Multiples of `step` within [min, max], free of floating-point dust (0.30000000000000004). */
export function gridLines(min: number, max: number, step: number): number[] {
  if (!(step > 0) || max < min) return [];
  const decimals = decimalsFor(step);
  const out: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let k = first; k <= last; k++) out.push(Number((k * step).toFixed(decimals)));
  return out;
}

/** Enough decimals to tell neighbouring lines apart at this step. */
export function decimalsFor(step: number): number {
  if (step >= 1) return 0;
  const text = step.toFixed(10).replace(/0+$/, '');
  return text.split('.')[1]?.length ?? 0;
}

/** "47.6°N", "122.35°W": hemisphere letters instead of signs, as on printed maps. */
export function formatDegrees(value: number, axis: 'lat' | 'lon', step: number): string {
  const hemi =
    axis === 'lat' ? (value > 0 ? 'N' : value < 0 ? 'S' : '') : value > 0 ? 'E' : value < 0 ? 'W' : '';
  return `${Math.abs(value).toFixed(decimalsFor(step))}°${hemi}`;
}
