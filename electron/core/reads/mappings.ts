// Column mappings for read exports from other ALPR systems. Two ship ready-made: `canvass`
// (the project's own documented CSV) and `seattle` (the public Seattle Police week in
// ../shared/data). Agencies save their own by name.
import type { Database } from 'better-sqlite3';
import { columnMappingSchema, type ColumnMapping } from '../../api/contract';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';

/** Canvass CSV: header plate,timestamp,lat,lon,source (+ optional state,confidence,heading,color). */
export const CANVASS_MAPPING: ColumnMapping = columnMappingSchema.parse({
  delimiter: ',',
  plate: 'plate',
  timestamp: 'timestamp',
  timestampFormat: 'iso',
  timeZone: 'UTC',
  lat: 'lat',
  lon: 'lon',
  source: 'source',
  state: 'state',
  confidence: 'confidence',
  heading: 'heading',
  color: 'color',
});

/** Seattle PD public-records export: `|`-separated, local Pacific time, plates released as hashes. */
export const SEATTLE_MAPPING: ColumnMapping = columnMappingSchema.parse({
  delimiter: '|',
  plate: 'plate_hash',
  timestamp: 'dt',
  timestampFormat: 'MM/dd/yyyy - HH:mm:ss',
  timeZone: 'America/Los_Angeles',
  lat: 'lat',
  lon: 'lon',
  source: 'device',
  sourceKind: 'mobile',
  plateHashed: true,
});

export const BUILTIN_MAPPINGS = { canvass: CANVASS_MAPPING, seattle: SEATTLE_MAPPING } as const;

export function saveMapping(db: Database, clock: Clock, name: string, mapping: ColumnMapping, userId: number | null): void {
  if (name in BUILTIN_MAPPINGS) throw new CanvassError('conflict', `"${name}" is a built-in mapping; choose another name.`);
  db.prepare(
    `INSERT INTO import_mappings (name, mapping, created_by, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET mapping = excluded.mapping, created_by = excluded.created_by, created_at = excluded.created_at`,
  ).run(name, JSON.stringify(mapping), userId, clock.now());
}

export function loadMapping(db: Database, name: string): ColumnMapping {
  const r = db.prepare('SELECT mapping FROM import_mappings WHERE name = ?').get(name) as { mapping: string } | undefined;
  if (!r) throw new CanvassError('not_found', `No saved column mapping named "${name}".`);
  return columnMappingSchema.parse(JSON.parse(r.mapping));
}

export function listMappings(db: Database): { name: string; mapping: ColumnMapping }[] {
  const saved = (db.prepare('SELECT name, mapping FROM import_mappings ORDER BY name').all() as { name: string; mapping: string }[]).map(
    (r) => ({ name: r.name, mapping: columnMappingSchema.parse(JSON.parse(r.mapping)) }),
  );
  return [
    { name: 'canvass', mapping: CANVASS_MAPPING },
    { name: 'seattle', mapping: SEATTLE_MAPPING },
    ...saved,
  ];
}
