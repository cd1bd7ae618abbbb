// A Leaflet grid layer that paints latitude/longitude lines on canvas tiles: the map's
// background when no tiles are configured, so the map works fully offline and makes no
// network call (tiles kind 'none').
import L from 'leaflet';
import { formatDegrees, gridLines, gridStep } from './grid';

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
    ctx.fillStyle = this.colors.label;
    ctx.lineWidth = 1;
    ctx.font = '10px system-ui, sans-serif';
    for (const lon of gridLines(nwLL.lng, seLL.lng, step)) {
      const x = Math.round(map.project([0, lon], coords.z).x - nw.x) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, size.y);
      ctx.stroke();
      ctx.fillText(formatDegrees(lon, 'lon', step), x + 3, size.y - 4);
    }
    for (const lat of gridLines(seLL.lat, nwLL.lat, step)) {
      const y = Math.round(map.project([lat, 0], coords.z).y - nw.y) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(size.x, y);
      ctx.stroke();
      ctx.fillText(formatDegrees(lat, 'lat', step), 3, y - 3);
    }
    return canvas;
  }
}

export function createCoordinateGrid(colors: GridColors): L.GridLayer {
  return new CoordinateGrid(colors);
}
