// Where a fixed camera stands, picked on a map (issue 5): a click puts the marker there and
// writes "lat, lon" into the Fixed position field; a typed position moves the marker. Same
// background as the other maps (the agency's tiles or the offline coordinate grid).
import { useComputedColorScheme } from '@mantine/core';
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import type { MeDto } from '../../../electron/api/types';
import { addBaseLayer } from '../map/baseLayer';
import { followResize } from '../map/followResize';

interface Props {
  tiles: MeDto['tiles'];
  at: { lat: number; lon: number } | undefined;
  onPick(lat: number, lon: number): void;
}

export function PositionPicker({ tiles, at, onPick }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markerRef = useRef<L.CircleMarker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const atRef = useRef(at); // where the map opens; later changes only move the marker
  atRef.current = at;
  const scheme = useComputedColorScheme('light');

  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, { attributionControl: true });
    addBaseLayer(map, tiles, scheme);
    map.attributionControl.setPrefix(false);
    const start = atRef.current;
    map.setView(start ? [start.lat, start.lon] : [20, 0], start ? 16 : 2);
    map.on('click', (e: L.LeafletMouseEvent) => pick.current(e.latlng.lat, e.latlng.lng));
    mapRef.current = map;
    const unfollow = followResize(map, el.current);
    return () => {
      unfollow();
      map.remove();
      mapRef.current = null;
      markerRef.current = null;
    };
  }, [tiles, scheme]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    markerRef.current?.remove();
    markerRef.current = null;
    el.current?.setAttribute('data-at', at ? `${at.lat.toFixed(6)},${at.lon.toFixed(6)}` : '');
    if (!at) return;
    markerRef.current = L.circleMarker([at.lat, at.lon], {
      radius: 7,
      weight: 2,
      color: '#c92a2a',
      fillOpacity: 0.6,
    }).addTo(map);
    if (!map.getBounds().contains([at.lat, at.lon]))
      map.setView([at.lat, at.lon], Math.max(map.getZoom(), 14));
  }, [at]);

  return (
    <div
      ref={el}
      data-testid="footage-position-map"
      role="region"
      aria-label="Map: click where the camera stands"
      style={{ height: 220, borderRadius: 4 }}
    />
  );
}
