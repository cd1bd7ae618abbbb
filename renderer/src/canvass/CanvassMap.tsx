// The canvass map: click to put the scene circle (drag the radius in the form), see the
// ranked plates' reads in scope; the selected plate's reads stand out, hovering a read names it,
// and clicking a read selects its plate and opens the read, so the list and the map stay in step.
// The reads are one canvas layer (readsLayer.ts) built once per result set and only restyled
// when the selection changes: 10,000 of them pan and zoom at the display's frame rate.
import { useComputedColorScheme } from '@mantine/core';
import L from 'leaflet';
import { useEffect, useMemo, useRef } from 'react';
import type { MeDto } from '../../../electron/api/types';
import type { CanvassResultDto } from '../../../electron/api/types-canvass';
import { followResize } from '../map/followResize';
import { localTime } from '../reads/format';
import { addBaseLayer } from '../map/baseLayer';
import { extentOf, pointsOf } from './readPoints';
import { ReadsLayer } from './readsLayer';
import type { Circle } from './store';

interface Props {
  tiles: MeDto['tiles'];
  circle: Circle | null;
  results: CanvassResultDto[];
  selected: string | null;
  onPlace(lat: number, lon: number): void;
  onSelect(plate: string): void;
  onOpenRead(id: number): void;
}

const when = (iso: string) => localTime(iso, { seconds: false });

export function CanvassMap({ tiles, circle, results, selected, onPlace, onSelect, onOpenRead }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const sceneRef = useRef<L.LayerGroup | null>(null);
  const readsRef = useRef<ReadsLayer | null>(null);
  const handlers = useRef({ onPlace, onSelect, onOpenRead });
  handlers.current = { onPlace, onSelect, onOpenRead };
  const scheme = useComputedColorScheme('light');
  const points = useMemo(() => pointsOf(results), [results]);
  const pointsRef = useRef(points);
  pointsRef.current = points;

  useEffect(() => {
    if (!el.current) return;
    const container = el.current;
    const map = L.map(container, { preferCanvas: true, attributionControl: true });
    addBaseLayer(map, tiles, scheme);
    sceneRef.current = L.layerGroup().addTo(map);
    const reads = new ReadsLayer({
      onDraw: ({ drawn, ms, mainMs, stamping }) => {
        container.setAttribute('data-drawn', String(drawn));
        container.setAttribute('data-stamping', stamping);
        container.setAttribute('data-draw-main-ms', mainMs.toFixed(1));
        container.setAttribute('data-draw-ms', ms.toFixed(1));
      },
    });
    readsRef.current = reads;
    const tip = L.tooltip({ direction: 'top', offset: [0, -6] });
    let hovered = -1;
    const hover = (i: number) => {
      if (i === hovered) return;
      hovered = i;
      container.style.cursor = i >= 0 ? 'pointer' : '';
      container.setAttribute('data-hover', i >= 0 ? String(pointsRef.current.reads[i]!.id) : '');
      if (i < 0) {
        tip.remove();
        return;
      }
      const read = pointsRef.current.reads[i]!;
      tip.setLatLng([read.lat!, read.lon!]).setContent(`${read.plate} · ${when(read.timestamp)}`);
      if (!map.hasLayer(tip)) tip.addTo(map);
    };
    // Hit tests once a frame at most, never while the view moves (drag, inertia, zoom).
    let pending: L.Point | null = null;
    let moving = false;
    map.on('movestart zoomstart', () => {
      moving = true;
      hover(-1);
    });
    map.on('moveend', () => {
      moving = false;
    });
    map.on('mouseout', () => hover(-1));
    map.on('mousemove', (e: L.LeafletMouseEvent) => {
      if (moving) return;
      const first = pending === null;
      pending = e.containerPoint;
      if (first) {
        requestAnimationFrame(() => {
          if (pending && mapRef.current) hover(reads.hit(pending));
          pending = null;
        });
      }
    });
    map.on('click', (e: L.LeafletMouseEvent) => {
      const i = reads.hit(e.containerPoint);
      if (i < 0) {
        handlers.current.onPlace(e.latlng.lat, e.latlng.lng);
        return;
      }
      const p = pointsRef.current;
      handlers.current.onSelect(p.plates[p.plate[i]!]!);
      handlers.current.onOpenRead(p.reads[i]!.id);
    });
    map.setView([47.61, -122.33], 11);
    reads.addTo(map);
    reads.setPoints(pointsRef.current);
    mapRef.current = map;
    const unfollow = followResize(map, container);
    return () => {
      unfollow();
      map.remove();
      mapRef.current = null;
      readsRef.current = null;
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
      // A scene typed in (not clicked) may lie outside the view: bring it in.
      const map = mapRef.current;
      if (map && !map.getBounds().contains([circle.lat, circle.lon])) {
        map.setView([circle.lat, circle.lon], Math.max(map.getZoom(), 14), { animate: false });
      }
    }
  }, [circle, tiles.kind, tiles.url, scheme]);

  // A new result set: the layer's arrays are replaced (no layer per read), and the view fitted
  // once (not on selection changes or circle moves).
  useEffect(() => {
    const map = mapRef.current;
    readsRef.current?.setPoints(points);
    el.current?.setAttribute('data-reads', String(points.n));
    if (!map) return;
    const ext = extentOf(points);
    if (!ext) return;
    const bounds = L.latLngBounds(ext);
    if (circle) bounds.extend([circle.lat, circle.lon]);
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
    // (the circle only widens a new fit: moving it does not refit)
  }, [points, tiles.kind, tiles.url, scheme]);

  // The selection only restyles: one redraw of the same arrays.
  useEffect(() => {
    readsRef.current?.setSelectedPlate(selected === null ? -1 : points.plates.indexOf(selected));
    el.current?.setAttribute('data-selected', selected ?? '');
  }, [points, selected, tiles.kind, tiles.url, scheme]);

  return (
    <div
      ref={el}
      role="region"
      aria-label="Canvass map: click to put the scene circle; click a read to open it"
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
