// Import page: pick or drop a CSV (.csv or .csv.gz), choose its format (the Seattle public
// export, Canvass CSV, or any CSV with a column mapping) and import; shows what was read,
// imported and rejected, with the first rejected lines.
import { Alert, Button, FileButton, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState, type DragEvent } from 'react';
import { MappingFields } from './MappingFields';
import { ImportResultView, RejectionList } from './ImportResultView';
import { useImportStore, type ImportFormat } from './store';

function DropZone() {
  const file = useImportStore((s) => s.file);
  const setFile = useImportStore((s) => s.setFile);
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) setFile(f);
  };
  return (
    <Paper
      withBorder
      p="xl"
      radius="md"
      data-testid="import-dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        background: over ? 'var(--mantine-color-blue-light)' : undefined,
      }}
    >
      <Stack align="center" gap="xs">
        <Text>
          {file
            ? `${file.name} (${(file.size / 1024 / 1024).toFixed(1)} MB)`
            : 'Drop a .csv or .csv.gz file here'}
        </Text>
        <FileButton
          onChange={setFile}
          accept=".csv,.gz,.txt,text/csv,application/gzip"
          inputProps={{ 'data-testid': 'import-file' } as React.ComponentProps<'input'>}
        >
          {(props) => (
            <Button variant="default" {...props}>
              {file ? 'Choose another file' : 'Choose file'}
            </Button>
          )}
        </FileButton>
      </Stack>
    </Paper>
  );
}

export function ImportPage() {
  const { file, format, busy, result, error, errorRejections, setFormat, run, loadMappings } =
    useImportStore();
  useEffect(() => {
    void loadMappings();
  }, [loadMappings]);

  return (
    <Stack maw={900} data-testid="import-page">
      <Title order={3}>Import reads</Title>
      <Text size="sm" c="dimmed">
        Bring in read exports from other ALPR systems. The whole file is checked first; good rows go in
        together and bad rows are listed by line. A file already imported (same SHA-256) is not imported
        twice.
      </Text>
      <DropZone />
      <div>
        <Text size="sm" fw={500} mb={4}>
          Format
        </Text>
        <SegmentedControl
          value={format}
          onChange={(v) => setFormat(v as ImportFormat)}
          data-testid="import-format"
          data={[
            { value: 'seattle', label: 'Seattle PD export' },
            { value: 'canvass', label: 'Canvass CSV' },
            { value: 'csv', label: 'Other CSV (mapping)' },
          ]}
        />
        <Text size="xs" c="dimmed" mt={4}>
          {format === 'seattle' && '|-separated, Pacific local time, plates released as hashes.'}
          {format === 'canvass' &&
            'Header: plate,timestamp,lat,lon,source (optional state,confidence,heading,color).'}
          {format === 'csv' && 'Tell Canvass which column holds what, or pick a saved mapping.'}
        </Text>
      </div>
      {format === 'csv' && <MappingFields />}
      <Group>
        <Button onClick={() => void run()} disabled={!file} loading={busy} data-testid="import-run">
          Import
        </Button>
        {busy && <Text size="sm">Reading and checking the file…</Text>}
      </Group>
      {error && (
        <Alert color="red" title="Import failed" data-testid="import-error">
          <Text size="sm">{error}</Text>
          {errorRejections.length > 0 && <RejectionList rejections={errorRejections} />}
        </Alert>
      )}
      {result && <ImportResultView result={result} />}
    </Stack>
  );
}
