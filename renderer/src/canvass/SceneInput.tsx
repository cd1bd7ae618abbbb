// The scene centre typed as "latitude, longitude": an analyst often has the coordinates of the
// address from CAD, and a member who cannot use a mouse could not place the circle at all
// (clicking the map is the other way). Shows where a clicked circle is, too.
import { TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Circle } from './store';

/** "34.0452, -118.2510" → { lat, lon }; undefined when unreadable or out of range. */
export function parseLatLon(s: string): { lat: number; lon: number } | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : undefined;
}

const show = (c: Circle | null) => (c ? `${c.lat.toFixed(5)}, ${c.lon.toFixed(5)}` : '');

export function SceneInput({
  circle,
  onPlace,
  onClear,
}: {
  circle: Circle | null;
  onPlace(lat: number, lon: number): void;
  onClear(): void;
}) {
  const [text, setText] = useState(show(circle));
  const [error, setError] = useState<string | null>(null);
  const lat = circle?.lat;
  const lon = circle?.lon;
  // A circle put (or cleared) on the map shows here.
  useEffect(() => {
    setText(lat === undefined || lon === undefined ? '' : `${lat.toFixed(5)}, ${lon.toFixed(5)}`);
    setError(null);
  }, [lat, lon]);
  const commit = () => {
    if (text === show(circle)) return;
    if (!text.trim()) {
      onClear();
      return;
    }
    const p = parseLatLon(text);
    if (!p) {
      setError('Latitude, longitude in degrees, e.g. 34.0452, -118.2510');
      return;
    }
    setError(null);
    onPlace(p.lat, p.lon);
  };
  return (
    <TextInput
      label="Scene (lat, lon)"
      placeholder="click the map or type"
      value={text}
      error={error}
      onChange={(e) => {
        setText(e.currentTarget.value);
        setError(null);
      }}
      onBlur={commit}
      // Enter places the scene first, then the form's submit runs the search with it.
      onKeyDown={(e) => e.key === 'Enter' && commit()}
      w={210}
      data-testid="canvass-scene"
    />
  );
}
