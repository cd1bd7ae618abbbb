// The map's background, the same on every map of the app: the agency's tiles (an offline
// MBTiles file or an online URL from settings) or, by default, a coordinate grid drawn here,
// with no network call.
import L from 'leaflet';
import type { MeDto } from '../../../electron/api/types';
import { createCoordinateGrid } from './gridLayer';

export function addBaseLayer(map: L.Map, tiles: MeDto['tiles'], scheme: 'light' | 'dark'): void {
  if (tiles.kind !== 'none' && tiles.url) {
    L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
  } else {
    createCoordinateGrid(
      scheme === 'dark'
        ? { line: 'rgba(255,255,255,0.14)', label: 'rgba(255,255,255,0.55)' }
        : { line: 'rgba(0,0,40,0.12)', label: 'rgba(0,0,40,0.55)' },
    ).addTo(map);
  }
}
