// What an import did: rows read, imported and rejected, and the first rejected lines.
import { Alert, Group, Paper, Stack, Table, Text } from '@mantine/core';
import type { ImportResultDto } from '../../../electron/api/types';

const SHOWN_REJECTIONS = 50;

export function RejectionList({ rejections }: { rejections: { line: number; reason: string }[] }) {
  return (
    <Table mt="xs" data-testid="import-rejections">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={80}>Line</Table.Th>
          <Table.Th>Reason</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rejections.slice(0, SHOWN_REJECTIONS).map((r) => (
          <Table.Tr key={`${r.line}-${r.reason}`}>
            <Table.Td>{r.line}</Table.Td>
            <Table.Td>{r.reason}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Paper withBorder p="sm" miw={140}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId} data-value={value}>
        {value.toLocaleString()}
      </Text>
    </Paper>
  );
}

export function ImportResultView({ result }: { result: ImportResultDto }) {
  if (result.duplicateOf !== null) {
    return (
      <Alert
        color="yellow"
        title="Already imported"
        data-testid="import-result"
        data-duplicate-of={result.duplicateOf}
      >
        {result.fileName} (SHA-256 {result.sha256.slice(0, 16)}…) was already imported as import #
        {result.duplicateOf}; nothing was added.
      </Alert>
    );
  }
  return (
    <Stack data-testid="import-result" data-imported={result.rowsImported}>
      <Alert color={result.rowsRejected ? 'yellow' : 'green'} title={`Imported ${result.fileName}`}>
        Import #{result.importId} · SHA-256 {result.sha256.slice(0, 16)}… · {result.seconds.toFixed(1)} s
      </Alert>
      <Group>
        <Stat label="Rows read" value={result.rowsRead} testId="import-rows-read" />
        <Stat label="Imported" value={result.rowsImported} testId="import-rows-imported" />
        <Stat label="Rejected" value={result.rowsRejected} testId="import-rows-rejected" />
      </Group>
      {result.rejections.length > 0 && (
        <div>
          <Text fw={600} size="sm">
            First rejected lines
          </Text>
          <RejectionList rejections={result.rejections} />
        </div>
      )}
    </Stack>
  );
}
