// Display helpers for reads: times in the workstation's zone and always with that zone's name
// (an analyst compares them with camera clocks and other systems' exports, so a bare "20:37"
// is ambiguous), the UTC original kept for tooltips, hashed plates shortened (public-records
// exports release plates only as hashes), percentages.
import dayjs from 'dayjs';

/** The workstation's zone name at that instant: "PST", "PDT", "UTC", "GMT+2". */
export function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

/** "2026-11-26 12:37:16 PST" (seconds optional); the input as given when it is no time. */
export function localTime(iso: string, opts: { seconds?: boolean } = {}): string {
  const d = dayjs(iso);
  if (!d.isValid()) return iso;
  const zone = zoneName(d.toDate());
  return `${d.format(opts.seconds === false ? 'YYYY-MM-DD HH:mm' : 'YYYY-MM-DD HH:mm:ss')}${zone ? ` ${zone}` : ''}`;
}

/** A span of local times, the day and zone said once when they are shared: "2026-11-26 12:37 → 12:46 PST". */
export function localSpan(fromIso: string, toIso: string): string {
  const a = dayjs(fromIso);
  const b = dayjs(toIso);
  if (!a.isValid() || !b.isValid()) return `${fromIso} → ${toIso}`;
  const za = zoneName(a.toDate());
  const zb = zoneName(b.toDate());
  if (a.format('YYYY-MM-DD HH:mm') === b.format('YYYY-MM-DD HH:mm'))
    return localTime(fromIso, { seconds: false });
  if (za === zb && a.format('YYYY-MM-DD') === b.format('YYYY-MM-DD')) {
    return `${a.format('YYYY-MM-DD HH:mm')} → ${b.format('HH:mm')} ${zb}`.trim();
  }
  return `${localTime(fromIso, { seconds: false })} → ${localTime(toIso, { seconds: false })}`;
}

/**
 * UTC times that the core writes into its reasons ("2026-11-27T04:37", no zone) in the
 * workstation's zone like every other time on screen.
 */
export function localizeUtcTimes(text: string): string {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z?(?![\d:])/g, (_m, day, hm) =>
    localTime(`${day}T${hm}:00Z`, { seconds: false }),
  );
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
