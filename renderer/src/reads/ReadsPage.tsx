// Reads browser: behind the ALPR gate (training, two-factor, purpose and case), the filter
// bar, the match count and the virtualized table; a row opens the detail drawer.
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { AlprGate } from './AlprGate';
import { ReadDetailDrawer } from './ReadDetailDrawer';
import { ReadsFilters } from './ReadsFilters';
import { ReadsTable } from './ReadsTable';
import { useReadsStore } from './store';

function Summary() {
  const total = useReadsStore((s) => s.total);
  const error = useReadsStore((s) => s.error);
  const apply = useReadsStore((s) => s.applyDraft);
  return (
    <>
      <Group justify="space-between">
        <Title order={3}>Reads</Title>
        <Text size="sm" c="dimmed" data-testid="reads-total">
          {total === null ? 'Searching…' : `${total.toLocaleString()} ${total === 1 ? 'read' : 'reads'}`}
        </Text>
      </Group>
      {error && (
        <Alert color="red" data-testid="reads-error">
          <Group justify="space-between">
            <Text size="sm">{error}</Text>
            <Button size="xs" variant="white" onClick={apply}>
              Retry
            </Button>
          </Group>
        </Alert>
      )}
    </>
  );
}

export function ReadsPage() {
  return (
    <AlprGate>
      <Stack h="calc(100dvh - 56px - 2 * var(--mantine-spacing-md))" gap="sm" data-testid="reads-page">
        <Summary />
        <ReadsFilters />
        <ReadsTable />
        <ReadDetailDrawer />
      </Stack>
    </AlprGate>
  );
}
