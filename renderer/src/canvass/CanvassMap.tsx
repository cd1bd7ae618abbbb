// The canvass map: click to put the scene circle (drag the radius in the form), see the
// ranked plates' reads in scope; the selected plate's reads stand out, and clicking a read
// selects its plate, so the list and the map stay in step.
import { useComputedColorScheme } from '@mantine/core';
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { MeDto } from '../../../electron/api/types';
import type { CanvassResultDto } from '../../../electron/api/types-canvass';
import { createCoordinateGrid } from '../map/gridLayer';
import type { Circle } from './store';

interface Props {
  tiles: MeDto['tiles'];
  circle: Circle | null;
  results: CanvassResultDto[];
  selected: string | null;
  onPlace(lat: number, lon: number): void;
  onSelect(plate: string): void;
}

export function CanvassMap({ tiles, circle, results, selected, onPlace, onSelect }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const sceneRef = useRef<L.LayerGroup | null>(null);
  const readsRef = useRef<L.LayerGroup | null>(null);
  const handlers = useRef({ onPlace, onSelect });
  handlers.current = { onPlace, onSelect };
  const scheme = useComputedColorScheme('light');

  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, { preferCanvas: true, attributionControl: true });
    if (tiles.kind !== 'none' && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
    } else {
      createCoordinateGrid(
        scheme === 'dark'
          ? { line: 'rgba(255,255,255,0.14)', label: 'rgba(255,255,255,0.55)' }
          : { line: 'rgba(0,0,40,0.12)', label: 'rgba(0,0,40,0.55)' },
      ).addTo(map);
    }
    sceneRef.current = L.layerGroup().addTo(map);
    readsRef.current = L.layerGroup().addTo(map);
    map.on('click', (e: L.LeafletMouseEvent) => handlers.current.onPlace(e.latlng.lat, e.latlng.lng));
    map.setView([47.61, -122.33], 11);
    mapRef.current = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [tiles.kind, tiles.url, tiles.attribution, scheme]);

  useEffect(() => {
    const layer = sceneRef.current;
    if (!layer) return;
    layer.clearLayers();
    if (circle) {
      L.circle([circle.lat, circle.lon], {
        radius: circle.radiusM,
        color: '#e8590c',
        weight: 2,
        fillOpacity: 0.06,
      }).addTo(layer);
      L.circleMarker([circle.lat, circle.lon], { radius: 4, color: '#e8590c', fillOpacity: 1 }).addTo(layer);
    }
  }, [circle, tiles.kind, tiles.url, scheme]);

  useEffect(() => {
    const map = mapRef.current;
    const layer = readsRef.current;
    if (!map || !layer) return;
    layer.clearLayers();
    const pts: L.LatLngExpression[] = [];
    for (const r of results) {
      const isSel = r.plate === selected;
      for (const read of r.reads) {
        if (read.lat === null || read.lon === null) continue;
        pts.push([read.lat, read.lon]);
        L.circleMarker([read.lat, read.lon], {
          radius: isSel ? 8 : 5,
          weight: 1,
          color: isSel ? '#862e9c' : '#1c2a80',
          fillColor: isSel ? '#be4bdb' : '#4c6ef5',
          fillOpacity: isSel ? 0.95 : 0.6,
        })
          .bindTooltip(`${read.plate} · ${read.timestamp.slice(0, 16).replace('T', ' ')}`)
          .on('click', (e) => {
            L.DomEvent.stopPropagation(e);
            handlers.current.onSelect(r.plate);
          })
          .addTo(layer);
      }
    }
    el.current?.setAttribute('data-reads', String(pts.length));
  }, [results, selected, tiles.kind, tiles.url, scheme]);

  // Fit the view once per new result set (not on selection changes or circle moves).
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const pts = results.flatMap((r) =>
      r.reads
        .filter((x) => x.lat !== null && x.lon !== null)
        .map((x) => [x.lat!, x.lon!] as [number, number]),
    );
    if (circle) pts.push([circle.lat, circle.lon]);
    if (pts.length) map.fitBounds(L.latLngBounds(pts), { padding: [24, 24], maxZoom: 16, animate: false });
  }, [results]);

  return (
    <div
      ref={el}
      data-testid="canvass-map"
      style={{
        flex: 1,
        minHeight: 360,
        borderRadius: 'var(--mantine-radius-sm)',
        background: 'var(--mantine-color-body)',
      }}
    />
  );
}
