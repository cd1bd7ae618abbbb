// The ranked plates: score, hits, first/last seen and the reasons in words; the selected one
// shows its reads, each of which opens the full read (image, confidences, provenance).
import { Badge, Button, Card, Group, ScrollArea, Stack, Text } from '@mantine/core';
import type { CanvassResultDto } from '../../../electron/api/types-canvass';

interface Props {
  results: CanvassResultDto[];
  selected: string | null;
  onSelect(plate: string): void;
  onOpenRead(id: number): void;
}

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export function ResultList({ results, selected, onSelect, onOpenRead }: Props) {
  return (
    <ScrollArea style={{ flex: 1 }} data-testid="canvass-results">
      <Stack gap="xs">
        {results.map((r, i) => {
          const isSel = r.plate === selected;
          return (
            <Card
              key={r.plate}
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
                    {i + 1}.
                  </Text>
                  <Text fw={700} ff="monospace" size="lg">
                    {r.plate}
                  </Text>
                  {r.reads.some((x) => x.via !== 'exact') && (
                    <Badge color="orange" variant="light" size="sm">
                      {r.reads.some((x) => x.via === 'alternative') ? 'alternative' : 'look-alike'}
                    </Badge>
                  )}
                </Group>
                <Badge variant="filled" color={r.score >= 70 ? 'grape' : r.score >= 50 ? 'blue' : 'gray'}>
                  {r.score.toFixed(1)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {r.hits} read{r.hits === 1 ? '' : 's'} · {r.places.length} place
                {r.places.length === 1 ? '' : 's'} · {when(r.firstSeen)} → {when(r.lastSeen)}
              </Text>
              <Stack gap={0} mt={4}>
                {r.reasons.map((why) => (
                  <Text key={why} size="xs">
                    · {why}
                  </Text>
                ))}
              </Stack>
              {isSel && (
                <Stack gap={2} mt="xs">
                  {r.reads.map((read) => (
                    <Group key={read.id} justify="space-between" wrap="nowrap">
                      <Text size="xs" ff="monospace">
                        {read.plate} {when(read.timestamp)} {read.source ?? ''} {read.color ?? ''}
                      </Text>
                      <Button
                        size="compact-xs"
                        variant="subtle"
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
        })}
      </Stack>
    </ScrollArea>
  );
}
