// A Leaflet map caches its container's size. When the box changes (the window, a filters panel
// opening) Leaflet must be told, or it centres, draws and hit-tests against the old size.
import type L from 'leaflet';

/** Keeps `map` told of `box`'s size; returns the function that stops it. */
export function followResize(map: L.Map, box: HTMLElement): () => void {
  const observer = new ResizeObserver(() => map.invalidateSize({ pan: false }));
  observer.observe(box);
  return () => observer.disconnect();
}
