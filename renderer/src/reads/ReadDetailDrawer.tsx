// One read in full (reads.get, audited with the session's purpose and case): every field,
// per-character confidences, alternative readings and provenance, so an analyst can judge how
// far to trust it (DESIGN "evidence grade"). Footage reads show their plate crop and context
// frame (reads.media), each checked against its SHA-256.
import { Alert, Badge, Drawer, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ReadDetailDto } from '../../../electron/api/types';
import { localTime, percent, position } from './format';
import { plateOutline } from './outline';
import { ReadImage } from './ReadImage';
import { useReadsStore } from './store';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      {/* SHA-256 refs and model versions are one long word: wrap them inside the drawer */}
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

/**
 * Provenance as rows an investigator can read ("time › corrected", "frames › bestMs") rather
 * than a JSON dump; short lists stay on one line, nothing is dropped.
 */
export function provenanceRows(p: Record<string, unknown>, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(p)) {
    const key = prefix ? `${prefix} › ${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      rows.push(...provenanceRows(v as Record<string, unknown>, key));
    } else {
      rows.push([key, v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v)]);
    }
  }
  return rows;
}

function Detail({ d }: { d: ReadDetailDto }) {
  return (
    <Stack data-testid="read-detail" data-read-id={d.id}>
      <Group gap="xs">
        <Title order={3} className="canvass-mono" style={{ wordBreak: 'break-all' }}>
          {d.plate}
        </Title>
        {d.plateHashed && <Badge color="gray">hashed</Badge>}
      </Group>
      {d.cropRef && <ReadImage readId={d.id} kind="crop" />}
      <Table withRowBorders={false} verticalSpacing={4} layout="fixed">
        <Table.Tbody>
          <Field label="Read id">{d.id}</Field>
          <Field label="Time (local)">{localTime(d.timestamp)}</Field>
          <Field label="Time (UTC)">{d.timestamp}</Field>
          <Field label="Raw plate text">{d.plateRaw ?? '—'}</Field>
          <Field label="Confidence">{percent(d.confidence)}</Field>
          <Field label="State">{d.state ?? '—'}</Field>
          <Field label="Colour">{d.color ?? '—'}</Field>
          <Field label="Position">{position(d.lat, d.lon)}</Field>
          <Field label="Heading">{d.heading === null ? '—' : `${d.heading}° (0° north, clockwise)`}</Field>
          <Field label="Source">{d.source ?? '—'}</Field>
          <Field label="Import">{d.importId ?? '—'}</Field>
          <Field label="Model version">{d.modelVersion ?? '—'}</Field>
          <Field label="Plate crop">{d.cropRef ?? '—'}</Field>
          <Field label="Context frame">{d.frameRef ?? '—'}</Field>
        </Table.Tbody>
      </Table>
      <div>
        <Text fw={700} size="sm">
          Character confidences
        </Text>
        {d.charConfidences?.length ? (
          <Group gap={4}>
            {d.charConfidences.map((c, i) => (
              <Badge
                key={i}
                variant="light"
                color={c < 0.6 ? 'red' : c < 0.85 ? 'yellow' : 'green'}
                className="canvass-mono"
              >
                {d.plate[i] ?? '?'} {percent(c)}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            none recorded
          </Text>
        )}
      </div>
      <div>
        <Text fw={700} size="sm">
          Alternative readings
        </Text>
        {d.alternatives?.length ? (
          <Table>
            <Table.Tbody>
              {d.alternatives.map((a, i) => (
                <Table.Tr key={`${i}:${a.text}`}>
                  <Table.Td className="canvass-mono">{a.text}</Table.Td>
                  <Table.Td>{percent(a.confidence)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            none recorded
          </Text>
        )}
      </div>
      {d.frameRef && <ReadImage readId={d.id} kind="frame" outline={plateOutline(d.provenance)} />}
      <div>
        <Text fw={700} size="sm">
          Provenance
        </Text>
        {d.provenance ? (
          <Table withRowBorders={false} verticalSpacing={2} layout="fixed" data-testid="read-provenance">
            <Table.Tbody>
              {provenanceRows(d.provenance).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th w={200} fw={500} style={{ verticalAlign: 'top' }}>
                    {k}
                  </Table.Th>
                  <Table.Td className="canvass-mono" style={{ overflowWrap: 'anywhere' }}>
                    {v}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            none recorded
          </Text>
        )}
      </div>
    </Stack>
  );
}

export function ReadDetailDrawer() {
  const id = useReadsStore((s) => s.detailId);
  const detail = useReadsStore((s) => s.detail);
  const error = useReadsStore((s) => s.detailError);
  const openDetail = useReadsStore((s) => s.openDetail);
  return (
    <Drawer
      opened={id !== null}
      onClose={() => void openDetail(null)}
      position="right"
      size="lg"
      title="Read detail"
    >
      {error && <Alert color="red">{error}</Alert>}
      {!error && !detail && <Loader />}
      {detail && <Detail d={detail} />}
    </Drawer>
  );
}
