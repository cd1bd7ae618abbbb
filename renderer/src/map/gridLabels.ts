// Which grid-line labels to show along the map's edges: those inside the view, thinned so
// neighbours keep at least `minGapPx` apart. Pure, for tests.
export interface LineAt {
  value: number;
  /** Position across the map container in pixels (x for longitudes, y for latitudes). */
  px: number;
}

export function thin(lines: readonly LineAt[], extent: number, minGapPx: number): LineAt[] {
  const out: LineAt[] = [];
  let last = -Infinity;
  for (const l of [...lines].sort((a, b) => a.px - b.px)) {
    if (l.px < 0 || l.px > extent) continue;
    if (l.px - last < minGapPx) continue;
    out.push(l);
    last = l.px;
  }
  return out;
}

export function labelPositions(
  lons: readonly LineAt[],
  lats: readonly LineAt[],
  view: { width: number; height: number; minGapPx: number },
): { lon: LineAt[]; lat: LineAt[] } {
  return { lon: thin(lons, view.width, view.minGapPx), lat: thin(lats, view.height, view.minGapPx / 2) };
}
