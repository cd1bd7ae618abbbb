// The column-mapping form of a generic CSV import and its translation into the contract's
// ColumnMapping. Pure, for tests.
import type { ColumnMapping } from '../../../electron/api/contract';

/** Mapping fields as typed in the form (strings; optional columns may be blank). */
export interface MappingDraft {
  delimiter: string;
  plate: string;
  timestamp: string;
  timestampFormat: string;
  timeZone: string;
  lat: string;
  lon: string;
  source: string;
  state: string;
  confidence: string;
  heading: string;
  color: string;
  plateHashed: boolean;
}

export const EMPTY_MAPPING: MappingDraft = {
  delimiter: ',',
  plate: '',
  timestamp: '',
  timestampFormat: 'iso',
  timeZone: 'UTC',
  lat: '',
  lon: '',
  source: '',
  state: '',
  confidence: '',
  heading: '',
  color: '',
  plateHashed: false,
};

/** Form → contract mapping: blank optional columns are left out rather than sent empty. */
export function toColumnMapping(d: MappingDraft): ColumnMapping {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  const m: ColumnMapping = {
    delimiter: d.delimiter || ',',
    plate: d.plate.trim(),
    timestamp: d.timestamp.trim(),
    timestampFormat: d.timestampFormat.trim() || 'iso',
    timeZone: d.timeZone.trim() || 'UTC',
    lat: d.lat.trim(),
    lon: d.lon.trim(),
    plateHashed: d.plateHashed,
  };
  for (const k of ['source', 'state', 'confidence', 'heading', 'color'] as const) {
    const v = opt(d[k]);
    if (v) m[k] = v;
  }
  return m;
}
