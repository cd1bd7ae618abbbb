// The canvass page (R11): type what the witness saw (`7AB*`, `?BC12?3`, `7[8B]C*`), click the
// map to put the scene, set the window, and get the plates ranked with their reasons; list and
// map in step; open a read; add a plate's reads to a case. Behind the same ALPR gate as the
// reads (training, purpose and case), and every search is audited by the core (R1, R3).
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  NumberInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect } from 'react';
import type { CanvassResultDto } from '../../../electron/api/types-canvass';
import { useSession } from '../app/sessionStore';
import { AlprGate } from '../reads/AlprGate';
import { zoneName } from '../reads/format';
import { ReadDetailDrawer } from '../reads/ReadDetailDrawer';
import { useReadsStore } from '../reads/store';
import { AddToCase } from './AddToCase';
import { CanvassMap } from './CanvassMap';
import { ResultList } from './ResultList';
import { SceneInput } from './SceneInput';
import { useCanvassStore } from './store';
import { WatchButton } from './WatchButton';
import { WatchesDrawer } from './WatchesDrawer';

function PatternError({
  message,
  position,
  pattern,
}: {
  message: string;
  position: number | null;
  pattern: string;
}) {
  if (position === null) return <>{message}</>;
  return (
    <span>
      {message}
      <br />
      <span style={{ fontFamily: 'monospace' }}>
        {pattern.slice(0, position - 1)}
        <u style={{ color: 'var(--mantine-color-red-7)', fontWeight: 700 }}>{pattern[position - 1] ?? ' '}</u>
        {pattern.slice(position)}
      </span>
    </span>
  );
}

const NO_RESULTS: CanvassResultDto[] = [];

function CanvassContent() {
  const me = useSession((s) => s.me)!;
  const access = useReadsStore((s) => s.access)!;
  const openDetail = useReadsStore((s) => s.openDetail);
  const s = useCanvassStore();
  const d = s.draft;
  const results = s.result?.results ?? NO_RESULTS;
  const openRead = useCallback((id: number) => void openDetail(id), [openDetail]);
  const selected = results.find((r) => r.plate === s.selected) ?? null;
  // The window is typed in this workstation's time, like every time the results show.
  const zone = zoneName(new Date());

  // Cases for the picker, once per visit (the store keeps the last query and results).
  const loadCases = s.loadCases;
  useEffect(() => {
    void loadCases();
  }, [loadCases]);

  return (
    <Stack h="calc(100dvh - 56px - 2 * var(--mantine-spacing-md))" gap="sm" data-testid="canvass-page">
      <Group justify="space-between">
        <Title order={3}>Canvass</Title>
        {s.result && (
          <Text size="sm" c="dimmed" data-testid="canvass-summary">
            {s.result.total} plate(s) match {s.result.pattern}
            {s.result.tolerant ? ' (misread-tolerant)' : ''} · {s.result.plan.ms} ms
          </Text>
        )}
      </Group>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void s.search(access);
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Plate"
            placeholder="7AB*  ·  ?BC12?3  ·  7[8B]C*"
            value={d.pattern}
            onChange={(e) => s.edit({ pattern: e.currentTarget.value })}
            error={s.patternError && <PatternError {...s.patternError} pattern={d.pattern} />}
            styles={{ input: { fontFamily: 'monospace', letterSpacing: 2 } }}
            w={220}
            data-testid="canvass-pattern"
          />
          <Switch
            label="Misread-tolerant"
            checked={d.tolerant}
            onChange={(e) => s.edit({ tolerant: e.currentTarget.checked })}
            mb={8}
          />
          <SceneInput
            circle={d.circle}
            onPlace={(lat, lon) => s.edit({ circle: { lat, lon, radiusM: d.circle?.radiusM ?? 1000 } })}
            onClear={() => s.edit({ circle: null })}
          />
          <NumberInput
            label="Radius (m)"
            value={d.circle?.radiusM ?? 1000}
            min={50}
            max={50_000}
            step={250}
            disabled={!d.circle}
            onChange={(v) => d.circle && s.edit({ circle: { ...d.circle, radiusM: Number(v) || 1000 } })}
            w={120}
          />
          <TextInput
            label={`From (${zone})`}
            title="Local time of this workstation"
            type="datetime-local"
            value={d.from}
            onChange={(e) => s.edit({ from: e.currentTarget.value })}
          />
          <TextInput
            label={`To (${zone})`}
            title="Local time of this workstation"
            type="datetime-local"
            value={d.to}
            onChange={(e) => s.edit({ to: e.currentTarget.value })}
          />
          <TextInput
            label="Colour"
            value={d.color}
            onChange={(e) => s.edit({ color: e.currentTarget.value })}
            w={100}
          />
          <TextInput
            label="State"
            value={d.state}
            maxLength={2}
            onChange={(e) => s.edit({ state: e.currentTarget.value })}
            w={70}
          />
          <Checkbox
            label="or not read"
            title="Also reads whose state or colour was never read (videos, files without the column): they may still be the vehicle"
            checked={d.includeUnread}
            disabled={!d.color.trim() && !d.state.trim()}
            onChange={(e) => s.edit({ includeUnread: e.currentTarget.checked })}
            data-testid="canvass-include-unread"
            mb={8}
          />
          <Button type="submit" loading={s.loading} data-testid="canvass-search">
            Search
          </Button>
          <WatchButton access={access} pattern={d.pattern} tolerant={d.tolerant} />
          <WatchesDrawer access={access} onOpenRead={(id) => void openDetail(id)} />
          {d.circle && (
            <Button variant="subtle" onClick={() => s.edit({ circle: null })}>
              Clear area
            </Button>
          )}
        </Group>
      </form>
      <Text size="xs" c="dimmed">
        Click the map (or type its latitude, longitude) to put the scene circle. ? is one unknown character, *
        any run, [8B] one of those; spaces and dashes are ignored.
      </Text>
      {s.result?.plan.truncated && (
        <Alert color="yellow" py="xs" data-testid="canvass-truncated">
          More than 20,000 plates match {s.result.pattern}
          {s.result.tolerant ? ' (misread-tolerant)' : ''}: only 20,000 of them were ranked, so this
          list is not the best of all of them. Give more characters, turn off
          misread-tolerant, or search inside a scene (place and time).
        </Alert>
      )}
      {s.error && <Alert color="red">{s.error}</Alert>}
      <Group align="stretch" gap="sm" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Stack w={460} gap="xs" style={{ minHeight: 0 }}>
          {s.loading && <Loader size="sm" />}
          {s.result && !s.error && !s.loading && results.length === 0 && (
            <Text c="dimmed">No plate matches.</Text>
          )}
          <ResultList results={results} selected={s.selected} onSelect={s.select} onOpenRead={openRead} />
          {selected && (
            <AddToCase access={access} plate={selected.plate} readIds={selected.reads.map((r) => r.id)} />
          )}
        </Stack>
        <CanvassMap
          tiles={me.tiles}
          circle={d.circle}
          results={results}
          selected={s.selected}
          onPlace={(lat, lon) => s.edit({ circle: { lat, lon, radiusM: d.circle?.radiusM ?? 1000 } })}
          onSelect={s.select}
          onOpenRead={openRead}
        />
      </Group>
      <ReadDetailDrawer />
    </Stack>
  );
}

/** The canvass page, ready for the navigation. */
export function CanvassPage() {
  return (
    <AlprGate>
      <CanvassContent />
    </AlprGate>
  );
}
