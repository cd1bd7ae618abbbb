// The reads filter form and its translation into the api's ReadFilter. Dates come from the
// Mantine pickers as local "YYYY-MM-DD HH:mm:ss" strings and go to the core as UTC ISO.
// Pure functions only, shared by the reads table and the map.
import type { ReadFilter } from '../../../electron/api/contract';

export interface FilterDraft {
  plate: string;
  /** Local wall-clock time from the picker, or null. */
  from: string | null;
  to: string | null;
  sourceIds: string[];
  state: string;
  color: string;
  /** Percent 0–100, or '' for none. */
  minConfidence: number | '';
}

export const EMPTY_FILTER: FilterDraft = {
  plate: '',
  from: null,
  to: null,
  sourceIds: [],
  state: '',
  color: '',
  minConfidence: '',
};

/** "2026-03-01 14:05:00" (local) → "2026-03-01T22:05:00.000Z". Returns null if unreadable. */
export function localToIso(local: string | null): string | null {
  if (!local) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function toReadFilter(d: FilterDraft): ReadFilter {
  const f: ReadFilter = {};
  const plate = d.plate.trim();
  if (plate) f.plate = plate;
  const from = localToIso(d.from);
  if (from) f.from = from;
  const to = localToIso(d.to);
  if (to) f.to = to;
  const ids = d.sourceIds.map(Number).filter((n) => Number.isInteger(n) && n > 0);
  if (ids.length) f.sourceIds = ids;
  const state = d.state.trim().toUpperCase();
  if (state) f.state = state;
  const color = d.color.trim().toLowerCase();
  if (color) f.color = color;
  if (d.minConfidence !== '' && Number.isFinite(d.minConfidence)) {
    f.minConfidence = Math.min(1, Math.max(0, d.minConfidence / 100));
  }
  return f;
}

/** Short description of the active filter for headers ("plate AB*, 2 sources"). */
export function describeFilter(f: ReadFilter): string {
  const parts: string[] = [];
  if (f.plate) parts.push(`plate ${f.plate}`);
  if (f.from || f.to) parts.push('time window');
  if (f.sourceIds?.length) parts.push(`${f.sourceIds.length} source${f.sourceIds.length > 1 ? 's' : ''}`);
  if (f.state) parts.push(`state ${f.state}`);
  if (f.color) parts.push(`colour ${f.color}`);
  if (f.minConfidence !== undefined) parts.push(`confidence ≥ ${Math.round(f.minConfidence * 100)}%`);
  return parts.length ? parts.join(', ') : 'all reads';
}
