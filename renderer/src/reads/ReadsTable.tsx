// The virtualized reads table: a Mantine table whose body renders only the rows in view
// (@tanstack/react-virtual), padded above and below to the full height. Pages of 500 rows are
// fetched on demand as the visible range moves, so 100k matches scroll smoothly.
import { Badge, Box, Group, Loader, Table, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef } from 'react';
import type { ReadRowDto } from '../../../electron/api/types';
import { localTime, percent, position, shortPlate } from './format';
import { useReadsStore, type SortField } from './store';

const ROW_HEIGHT = 34;

const COLUMNS: { key: string; label: string; width: string; sort?: SortField }[] = [
  { key: 'time', label: 'Time', width: '20%', sort: 'timestamp' },
  { key: 'plate', label: 'Plate', width: '15%', sort: 'plate' },
  { key: 'state', label: 'State', width: '6%' },
  { key: 'conf', label: 'Confidence', width: '12%', sort: 'confidence' },
  { key: 'color', label: 'Colour', width: '8%' },
  { key: 'source', label: 'Source', width: '20%', sort: 'source' },
  { key: 'pos', label: 'Position', width: '19%' },
];

function SortHeader({ label, field }: { label: string; field: SortField }) {
  const sort = useReadsStore((s) => s.sort);
  const toggle = useReadsStore((s) => s.toggleSort);
  const active = sort.field === field;
  return (
    <UnstyledButton
      onClick={() => toggle(field)}
      data-testid={`sort-${field}`}
      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <Text fw={700} size="sm" span>
        {label} {active ? (sort.dir === 'asc' ? '▲' : '▼') : '⇅'}
      </Text>
    </UnstyledButton>
  );
}

/**
 * One table row. Memoized and kept to plain cells (native `title` tooltips, CSS classes, one
 * Badge): a fast scroll re-renders dozens of rows per frame, and per-row Tooltip/Text
 * components cost long tasks of 100 ms and more in measurements.
 */
const Row = memo(function Row({
  row,
  index,
  onOpen,
}: {
  row: ReadRowDto | undefined;
  index: number;
  onOpen: (id: number) => void;
}) {
  if (!row) {
    return (
      <Table.Tr style={{ height: ROW_HEIGHT }} data-index={index}>
        <Table.Td colSpan={COLUMNS.length} c="dimmed">
          …
        </Table.Td>
      </Table.Tr>
    );
  }
  return (
    <Table.Tr
      style={{ height: ROW_HEIGHT, cursor: 'pointer' }}
      onClick={() => onOpen(row.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen(row.id);
        }
      }}
      tabIndex={0}
      data-testid="read-row"
      data-read-id={row.id}
      data-index={index}
    >
      <Table.Td className="canvass-cell" title={`UTC ${row.timestamp}`}>
        {localTime(row.timestamp)}
      </Table.Td>
      <Table.Td className="canvass-cell" title={row.plate}>
        <span className="canvass-mono">{shortPlate(row.plate, row.plateHashed)}</span>
        {row.plateHashed && (
          <Badge size="xs" variant="light" color="gray" ml={4}>
            hashed
          </Badge>
        )}
      </Table.Td>
      <Table.Td>{row.state ?? '—'}</Table.Td>
      <Table.Td>{percent(row.confidence)}</Table.Td>
      <Table.Td>{row.color ?? '—'}</Table.Td>
      <Table.Td className="canvass-cell" title={row.source ?? ''}>
        {row.source ?? '—'}
      </Table.Td>
      <Table.Td className="canvass-mono canvass-cell">{position(row.lat, row.lon)}</Table.Td>
    </Table.Tr>
  );
});

export function ReadsTable() {
  const total = useReadsStore((s) => s.total);
  const cache = useReadsStore((s) => s.cache);
  useReadsStore((s) => s.version); // re-render when a page lands
  const generation = useReadsStore((s) => s.generation);
  const ensureRange = useReadsStore((s) => s.ensureRange);
  const openDetail = useReadsStore((s) => s.openDetail);
  const scrollRef = useRef<HTMLDivElement>(null);
  const onOpen = useCallback((id: number) => void openDetail(id), [openDetail]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  // The first page of a new query, then whatever comes into view; a short delay lets a fast
  // scrollbar drag settle instead of fetching every page it passes.
  useEffect(() => {
    if (total === null) {
      ensureRange(0, 0);
      return;
    }
    const t = window.setTimeout(() => ensureRange(first, last), 40);
    return () => window.clearTimeout(t);
  }, [first, last, total, generation, ensureRange]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [generation]);

  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  return (
    <Box
      ref={scrollRef}
      style={{ flex: 1, minHeight: 0, overflow: 'auto' }}
      data-testid="reads-table"
      data-total={total ?? ''}
      data-loaded-rows={cache.loadedRows}
    >
      <Table stickyHeader highlightOnHover style={{ tableLayout: 'fixed' }} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((c) => (
              <Table.Th key={c.key} style={{ width: c.width }}>
                {c.sort ? <SortHeader label={c.label} field={c.sort} /> : c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {padTop > 0 && (
            <tr style={{ height: padTop }}>
              <td colSpan={COLUMNS.length} />
            </tr>
          )}
          {items.map((it) => (
            <Row key={it.key} index={it.index} row={cache.get(it.index)} onOpen={onOpen} />
          ))}
          {padBottom > 0 && (
            <tr style={{ height: padBottom }}>
              <td colSpan={COLUMNS.length} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
      {total === null && (
        <Group justify="center" p="md">
          <Loader size="sm" />
        </Group>
      )}
      {total === 0 && (
        <Text c="dimmed" ta="center" p="md" data-testid="reads-empty">
          No reads match.
        </Text>
      )}
    </Box>
  );
}
