// The Leaflet map itself: base layer from me.tiles (MBTiles through the shell, an online
// template, or the offline coordinate grid), and supercluster clusters re-queried on every
// move/zoom. Clicking a cluster zooms in; clicking a single read opens its detail.
import { useComputedColorScheme } from '@mantine/core';
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { MeDto } from '../../../electron/api/types';
import { boundsOf, buildIndex, clusterSize, type ClusterIndex, type PointTriple } from './clusters';
import { createCoordinateGrid } from './gridLayer';

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
    if (tiles.kind !== 'none' && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    } else {
      createCoordinateGrid(
        scheme === 'dark'
          ? { line: 'rgba(255,255,255,0.14)', label: 'rgba(255,255,255,0.55)' }
          : { line: 'rgba(0,0,40,0.12)', label: 'rgba(0,0,40,0.55)' },
      ).addTo(map);
    }
    // No "Leaflet" link in the corner: the app is offline and links out of it go nowhere useful.
    map.attributionControl.setPrefix(false);
    layerRef.current = L.layerGroup().addTo(map);
    mapRef.current = map;
    map.setView([20, 0], 2);
    return () => {
      map.remove();
      mapRef.current = null;
      layerRef.current = null;
    };
  }, [tiles.kind, tiles.url, tiles.attribution, scheme]);

  // Index the points, fit them, and draw the clusters in view after each move.
  useEffect(() => {
    const map = mapRef.current;
    const layer = layerRef.current;
    if (!map || !layer) return;
    const index: ClusterIndex = buildIndex(points);
    const draw = () => {
      const b = map.getBounds();
      const zoom = Math.round(map.getZoom());
      const bbox: [number, number, number, number] = [
        Math.max(-180, b.getWest()),
        Math.max(-85, b.getSouth()),
        Math.min(180, b.getEast()),
        Math.min(85, b.getNorth()),
      ];
      layer.clearLayers();
      for (const f of index.getClusters(bbox, zoom)) {
        const [lon, lat] = f.geometry.coordinates as [number, number];
        const p = f.properties as {
          cluster?: boolean;
          cluster_id?: number;
          point_count?: number;
          id?: number;
        };
        if (p.cluster && p.cluster_id !== undefined) {
          const clusterId = p.cluster_id;
          L.marker([lat, lon], { icon: clusterIcon(p.point_count ?? 0), keyboard: false })
            .on('click', () =>
              map.flyTo([lat, lon], Math.min(index.getClusterExpansionZoom(clusterId), 18), {
                duration: 0.4,
              }),
            )
            .addTo(layer);
        } else if (p.id !== undefined) {
          const id = p.id;
          L.circleMarker([lat, lon], {
            radius: 6,
            weight: 1,
            color: '#1c2a80',
            fillColor: '#4c6ef5',
            fillOpacity: 0.85,
          })
            .on('click', () => openRef.current(id))
            .addTo(layer)
            .bindTooltip(`Read ${id}`);
        }
      }
      el.current?.setAttribute('data-clusters', String(layer.getLayers().length));
    };
    const bounds = boundsOf(points);
    if (bounds) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
    draw();
    map.on('moveend', draw);
    return () => {
      map.off('moveend', draw);
      layer.clearLayers();
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
