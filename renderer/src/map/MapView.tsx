// The Leaflet map itself: base layer from me.tiles (MBTiles through the shell, an online
// template, or the offline coordinate grid), and supercluster clusters (built in a worker)
// re-queried on every move/zoom. Clicking a cluster zooms in; clicking a single read opens its detail.
import { useComputedColorScheme } from '@mantine/core';
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { MeDto } from '../../../electron/api/types';
import { boundsOf, clusterSize, type BBox, type PointTriple } from './clusters';
import { createClusterSource } from './clusterSource';
import { followResize } from './followResize';
import { addBaseLayer } from './baseLayer';

interface Props {
  points: PointTriple[];
  tiles: MeDto['tiles'];
  onOpenRead(id: number): void;
}

function clusterIcon(count: number): L.DivIcon {
  const size = clusterSize(count);
  const label =
    count >= 10_000
      ? `${Math.round(count / 1000)}k`
      : count >= 1000
        ? `${(count / 1000).toFixed(1)}k`
        : String(count);
  return L.divIcon({
    className: 'canvass-cluster',
    html: `<span>${label}</span>`,
    iconSize: [size, size],
  });
}

export function MapView({ points, tiles, onOpenRead }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<L.LayerGroup | null>(null);
  const openRef = useRef(onOpenRead);
  openRef.current = onOpenRead;
  const scheme = useComputedColorScheme('light');

  // The map and its base layer; rebuilt only when the tile source or theme changes.
  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, { preferCanvas: true, worldCopyJump: false, attributionControl: true });
    addBaseLayer(map, tiles, scheme);
    // No "Leaflet" link in the corner: the app is offline and links out of it go nowhere useful.
    map.attributionControl.setPrefix(false);
    layerRef.current = L.layerGroup().addTo(map);
    mapRef.current = map;
    map.setView([20, 0], 2);
    const unfollow = followResize(map, el.current); // the filters panel resizes the box
    return () => {
      unfollow();
      map.remove();
      mapRef.current = null;
      layerRef.current = null;
    };
  }, [tiles.kind, tiles.url, tiles.attribution, scheme]);

  // Index the points (in the worker), fit them, and draw the clusters in view after each move.
  useEffect(() => {
    const map = mapRef.current;
    const layer = layerRef.current;
    if (!map || !layer) return;
    const source = createClusterSource();
    el.current?.setAttribute('data-cluster-source', source.kind);
    let live = true;
    let drawn = 0;
    const draw = async () => {
      const b = map.getBounds();
      const bbox: BBox = [
        Math.max(-180, b.getWest()),
        Math.max(-85, b.getSouth()),
        Math.min(180, b.getEast()),
        Math.min(85, b.getNorth()),
      ];
      const ticket = ++drawn;
      const features = await source.query(bbox, Math.round(map.getZoom()));
      // A later move already asked again, or the map closed: this answer is stale.
      if (!live || ticket !== drawn) return;
      layer.clearLayers();
      for (const f of features) {
        if (f.kind === 'cluster') {
          L.marker([f.lat, f.lon], { icon: clusterIcon(f.count), keyboard: false })
            .on('click', () => {
              void source.expansionZoom(f.clusterId).then((z) => {
                if (live) map.flyTo([f.lat, f.lon], Math.min(z, 18), { duration: 0.4 });
              });
            })
            .addTo(layer);
        } else {
          L.circleMarker([f.lat, f.lon], {
            radius: 6,
            weight: 1,
            color: '#1c2a80',
            fillColor: '#4c6ef5',
            fillOpacity: 0.85,
          })
            .on('click', () => openRef.current(f.id))
            .addTo(layer)
            .bindTooltip(`Read ${f.id}`);
        }
      }
      el.current?.setAttribute('data-clusters', String(features.length));
    };
    const onMove = () => void draw().catch(() => undefined);
    const bounds = boundsOf(points);
    if (bounds) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
    source
      .load(points)
      .then(() => {
        if (!live) return;
        map.on('moveend', onMove);
        return draw();
      })
      .catch(() => undefined);
    return () => {
      live = false;
      map.off('moveend', onMove);
      layer.clearLayers();
      source.dispose();
    };
  }, [points, tiles.kind, tiles.url, tiles.attribution, scheme]);

  return (
    <div
      ref={el}
      data-testid="map"
      data-points={points.length}
      style={{
        flex: 1,
        minHeight: 320,
        borderRadius: 'var(--mantine-radius-sm)',
        background: 'var(--mantine-color-body)',
      }}
    />
  );
}
