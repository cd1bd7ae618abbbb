// The map's background when no tiles are configured (tiles kind 'none'): latitude/longitude
// lines painted on canvas tiles, and their labels once along the map's bottom and right
// edges (per-tile labels would repeat on every tile). Fully offline: no network call.
import L from 'leaflet';
import { formatDegrees, gridLines, gridStep } from './grid';
import { labelPositions } from './gridLabels';

export interface GridColors {
  line: string;
  label: string;
}

/** Leaflet's extension point for tile layers is subclassing GridLayer and overriding createTile. */
class CoordinateGrid extends L.GridLayer {
  constructor(private readonly colors: GridColors) {
    super({ tileSize: 256, updateWhenZooming: false });
  }

  protected override createTile(coords: L.Coords): HTMLElement {
    const size = this.getTileSize();
    const canvas = document.createElement('canvas');
    canvas.width = size.x;
    canvas.height = size.y;
    // `_map` is Leaflet's handle on the map a layer belongs to; createTile only runs once added.
    const map = (this as unknown as { _map: L.Map | undefined })._map;
    const ctx = canvas.getContext('2d');
    if (!ctx || !map) return canvas;
    const nw = L.point(coords.x * size.x, coords.y * size.y);
    const se = nw.add(size);
    const nwLL = map.unproject(nw, coords.z);
    const seLL = map.unproject(se, coords.z);
    const step = gridStep(coords.z);
    ctx.strokeStyle = this.colors.line;
    ctx.lineWidth = 1;
    for (const lon of gridLines(nwLL.lng, seLL.lng, step)) {
      const x = Math.round(map.project([0, lon], coords.z).x - nw.x) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, size.y);
      ctx.stroke();
    }
    for (const lat of gridLines(seLL.lat, nwLL.lat, step)) {
      const y = Math.round(map.project([lat, 0], coords.z).y - nw.y) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(size.x, y);
      ctx.stroke();
    }
    return canvas;
  }
}

/** Labels for the grid lines in view, redrawn as the map moves. */
class CoordinateLabels extends L.Layer {
  private box: HTMLDivElement | null = null;
  private readonly redraw = () => this.draw();

  constructor(private readonly colors: GridColors) {
    super();
  }

  override onAdd(map: L.Map): this {
    this.box = L.DomUtil.create('div', 'canvass-grid-labels', map.getContainer());
    this.box.style.color = this.colors.label;
    map.on('move zoomend resize viewreset', this.redraw);
    this.draw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('move zoomend resize viewreset', this.redraw);
    this.box?.remove();
    this.box = null;
    return this;
  }

  private draw(): void {
    const map = (this as unknown as { _map: L.Map | undefined })._map;
    if (!map || !this.box) return;
    const size = map.getSize();
    const b = map.getBounds();
    const step = gridStep(Math.round(map.getZoom()));
    const lons = gridLines(b.getWest(), b.getEast(), step);
    const lats = gridLines(b.getSouth(), b.getNorth(), step);
    const spots = labelPositions(
      lons.map((lon) => ({ value: lon, px: map.latLngToContainerPoint([b.getCenter().lat, lon]).x })),
      lats.map((lat) => ({ value: lat, px: map.latLngToContainerPoint([lat, b.getCenter().lng]).y })),
      { width: size.x, height: size.y, minGapPx: 70 },
    );
    const html: string[] = [];
    for (const s of spots.lon) {
      html.push(`<span style="left:${s.px + 3}px;bottom:18px">${formatDegrees(s.value, 'lon', step)}</span>`);
    }
    for (const s of spots.lat) {
      html.push(`<span style="right:4px;top:${s.px - 14}px">${formatDegrees(s.value, 'lat', step)}</span>`);
    }
    // Built from numbers only (formatDegrees output), so no user text reaches innerHTML.
    this.box.innerHTML = html.join('');
  }
}

export function createCoordinateGrid(colors: GridColors): L.LayerGroup {
  return L.layerGroup([new CoordinateGrid(colors), new CoordinateLabels(colors)]);
}
