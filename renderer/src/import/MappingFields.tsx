// Column mapping for a generic CSV: which header holds each field, the time format (luxon
// tokens or 'iso') and zone; or a mapping saved earlier by name.
import { Checkbox, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useImportStore, type MappingDraft } from './store';

const COLUMNS: { key: keyof MappingDraft; label: string; required?: boolean; description?: string }[] = [
  { key: 'plate', label: 'Plate column', required: true },
  { key: 'timestamp', label: 'Time column', required: true },
  {
    key: 'timestampFormat',
    label: 'Time format',
    description: "luxon tokens, e.g. MM/dd/yyyy HH:mm:ss, or 'iso'",
  },
  {
    key: 'timeZone',
    label: 'Time zone',
    description: 'IANA zone for times without offset, e.g. America/Los_Angeles',
  },
  { key: 'lat', label: 'Latitude column', required: true },
  { key: 'lon', label: 'Longitude column', required: true },
  { key: 'source', label: 'Source / camera column' },
  { key: 'state', label: 'State column' },
  { key: 'confidence', label: 'Confidence column' },
  { key: 'heading', label: 'Heading column' },
  { key: 'color', label: 'Colour column' },
  { key: 'delimiter', label: 'Delimiter', description: 'One or two characters' },
];

export function MappingFields() {
  const { saved, savedMapping, mapping, saveAs, fieldErrors, setSavedMapping, editMapping, setSaveAs } =
    useImportStore();
  const custom = saved.filter((m) => m.name !== 'seattle' && m.name !== 'canvass');
  return (
    <Stack data-testid="import-mapping">
      <Select
        label="Saved mapping"
        placeholder="none — use the fields below"
        clearable
        data={custom.map((m) => m.name)}
        value={savedMapping}
        onChange={setSavedMapping}
        data-testid="import-saved-mapping"
      />
      {!savedMapping && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="xs">
            {COLUMNS.map((c) => (
              <TextInput
                key={c.key}
                label={c.label}
                description={c.description}
                required={c.required}
                value={String(mapping[c.key])}
                onChange={(e) => editMapping({ [c.key]: e.currentTarget.value } as Partial<MappingDraft>)}
                error={fieldErrors[`mapping.${c.key}`]}
                data-testid={`mapping-${c.key}`}
              />
            ))}
          </SimpleGrid>
          <Checkbox
            label="Plates in this file are hashes"
            checked={mapping.plateHashed}
            onChange={(e) => editMapping({ plateHashed: e.currentTarget.checked })}
          />
          <TextInput
            label="Save this mapping as"
            description="Optional: a name to reuse it next time"
            value={saveAs}
            onChange={(e) => setSaveAs(e.currentTarget.value)}
            error={fieldErrors.saveMappingAs}
            data-testid="mapping-save-as"
          />
        </>
      )}
    </Stack>
  );
}
