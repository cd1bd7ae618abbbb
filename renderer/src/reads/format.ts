// Display helpers for reads: local time with the UTC original kept for tooltips, hashed
// plates shortened (public-records exports release plates only as hashes), percentages.
import dayjs from 'dayjs';

export function localTime(iso: string): string {
  const d = dayjs(iso);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : iso;
}

export function shortPlate(plate: string, hashed: boolean): string {
  return hashed && plate.length > 12 ? `${plate.slice(0, 10)}…` : plate;
}

export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`;
}

export function coord(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(5);
}

/** "47.61351, -122.34834", or a dash when the read has no position. */
export function position(lat: number | null, lon: number | null): string {
  return lat === null || lon === null ? '—' : `${coord(lat)}, ${coord(lon)}`;
}
