// Map page: the reads matching the current filter (same filter bar as the table) as
// clustered points, behind the same ALPR gate as the table (training, purpose and case).
import { Alert, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useSession } from '../app/sessionStore';
import { AlprGate } from '../reads/AlprGate';
import { ReadDetailDrawer } from '../reads/ReadDetailDrawer';
import { ReadsFilters } from '../reads/ReadsFilters';
import { useReadsStore } from '../reads/store';
import { MapView } from './MapView';
import { useMapStore } from './store';
import './map.css';

function MapContent() {
  const me = useSession((s) => s.me)!;
  const access = useReadsStore((s) => s.access);
  const filter = useReadsStore((s) => s.filter);
  const openDetail = useReadsStore((s) => s.openDetail);
  const { points, total, truncated, loading, error, load } = useMapStore();

  useEffect(() => {
    if (access) void load(access, filter);
  }, [access, filter, load]);

  return (
    <Stack h="calc(100dvh - 56px - 2 * var(--mantine-spacing-md))" gap="sm" data-testid="map-page">
      <Group justify="space-between">
        <Title order={3}>Map</Title>
        <Text size="sm" c="dimmed" data-testid="map-summary">
          {loading
            ? 'Loading points…'
            : points
              ? `${points.length.toLocaleString()} of ${total.toLocaleString()} reads with a position`
              : ''}
        </Text>
      </Group>
      <ReadsFilters defaultOpen={false} />
      {truncated && (
        <Alert color="yellow" py="xs">
          Only the first {points?.length.toLocaleString()} points are shown; narrow the filter to see all.
        </Alert>
      )}
      {error && <Alert color="red">{error}</Alert>}
      {loading && (
        <Group justify="center">
          <Loader size="sm" />
        </Group>
      )}
      {points && <MapView points={points} tiles={me.tiles} onOpenRead={(id) => void openDetail(id)} />}
      <ReadDetailDrawer />
    </Stack>
  );
}

export function MapPage() {
  return (
    <AlprGate>
      <MapContent />
    </AlprGate>
  );
}
