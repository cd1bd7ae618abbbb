// The ranked plates: score, hits, first/last seen and the reasons in words; the selected one
// shows its reads, each of which opens the full read (image, confidences, provenance).
import { Badge, Button, Card, Group, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { CanvassResultDto } from '../../../electron/api/types-canvass';
import { localizeUtcTimes, localSpan, localTime } from '../reads/format';

interface Props {
  results: CanvassResultDto[];
  selected: string | null;
  onSelect(plate: string): void;
  onOpenRead(id: number): void;
}

/** Same local time and zone as the reads table, the read detail and the From/To fields. */
const when = (iso: string) => localTime(iso, { seconds: false });

interface CardProps {
  r: CanvassResultDto;
  rank: number;
  isSel: boolean;
  onSelect(plate: string): void;
  onOpenRead(id: number): void;
}

/** One plate; memoised, so a new selection re-renders the two cards that change. */
const ResultCard = memo(function ResultCard({ r, rank, isSel, onSelect, onOpenRead }: CardProps) {
  return (
    <Card
      withBorder
      padding="sm"
      onClick={() => onSelect(r.plate)}
      style={{ cursor: 'pointer', borderColor: isSel ? 'var(--mantine-color-grape-5)' : undefined }}
      data-testid="canvass-result"
      data-plate={r.plate}
    >
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <Text c="dimmed" size="sm">
            {rank}.
          </Text>
          {/* The plate is the card's keyboard handle: Tab to it, Enter shows its reads. */}
          <UnstyledButton
            onClick={(e) => {
              e.stopPropagation();
              onSelect(r.plate);
            }}
            aria-expanded={isSel}
            aria-label={`${r.plate}: show its ${r.hits} read${r.hits === 1 ? '' : 's'}`}
            data-testid="canvass-result-select"
          >
            <Text fw={700} ff="monospace" size="lg" span>
              {r.plate}
            </Text>
          </UnstyledButton>
          {r.reads.some((x) => x.via !== 'exact') && (
            <Badge color="orange" variant="light" size="sm">
              {r.reads.some((x) => x.via === 'alternative') ? 'alternative' : 'look-alike'}
            </Badge>
          )}
        </Group>
        <Badge
          variant="filled"
          color={r.score >= 70 ? 'grape' : r.score >= 50 ? 'blue' : 'gray'}
          title="Rank score, 0–100: how well the plate and its reads fit the query"
        >
          {r.score.toFixed(1)}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {r.hits} read{r.hits === 1 ? '' : 's'} · {r.places.length} place
        {r.places.length === 1 ? '' : 's'} · {localSpan(r.firstSeen, r.lastSeen)}
      </Text>
      <Stack gap={0} mt={4}>
        {r.reasons.map((why) => (
          <Text key={why} size="xs">
            · {localizeUtcTimes(why)}
          </Text>
        ))}
      </Stack>
      {isSel && (
        <Stack gap={2} mt="xs">
          {r.reads.map((read) => (
            <Group key={read.id} justify="space-between" wrap="nowrap" gap="xs">
              <Text
                size="xs"
                ff="monospace"
                truncate
                title={localTime(read.timestamp)}
                style={{ minWidth: 0 }}
              >
                {read.plate} {when(read.timestamp)} {read.source ?? ''} {read.state ?? ''} {read.color ?? ''}
              </Text>
              <Button
                size="compact-xs"
                variant="subtle"
                style={{ flexShrink: 0 }}
                onClick={(e) => {
                  e.stopPropagation();
                  onOpenRead(read.id);
                }}
              >
                Open read
              </Button>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
});

export function ResultList({ results, selected, onSelect, onOpenRead }: Props) {
  // Only the cards in view are rendered (500 plates with their reasons would take a second to
  // mount); each card's height is measured as it appears.
  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: results.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => 130,
    getItemKey: (i) => results[i]!.plate,
    overscan: 4,
  });
  // A plate selected on the map scrolls into view here (list and map in step).
  useEffect(() => {
    if (selected === null) return;
    const i = results.findIndex((r) => r.plate === selected);
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'start' });
  }, [selected, results, virtualizer]);
  return (
    <ScrollArea style={{ flex: 1 }} viewportRef={viewport} data-testid="canvass-results">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const r = results[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${item.start}px)`,
                paddingBottom: 'var(--mantine-spacing-xs)',
              }}
            >
              <ResultCard
                r={r}
                rank={item.index + 1}
                isSel={r.plate === selected}
                onSelect={onSelect}
                onOpenRead={onOpenRead}
              />
            </div>
          );
        })}
      </div>
    </ScrollArea>
  );
}
