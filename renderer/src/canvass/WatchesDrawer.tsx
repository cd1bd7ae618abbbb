// Partial-plate watches and their alerts (R11): which patterns are watched for which case, and
// the reads that matched them since, with the reasons. Listing alerts shows reads, so it runs
// under the session's purpose and case like every ALPR call (R1).
import { Alert, Badge, Button, Drawer, Group, Stack, Switch, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { Access } from '../../../electron/api/contract';
import type { WatchAlertDto, WatchDto } from '../../../electron/api/types-canvass';
import { call, messageOf } from '../api';
import { localTime } from '../reads/format';

export function WatchesDrawer({ access, onOpenRead }: { access: Access; onOpenRead(id: number): void }) {
  const [open, setOpen] = useState(false);
  const [watches, setWatches] = useState<WatchDto[]>([]);
  const [alerts, setAlerts] = useState<WatchAlertDto[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setWatches(await call('watches.list', {}));
      setAlerts((await call('watches.alerts', { access, limit: 100 })).results);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [access]);
  const toggle = async (w: WatchDto) => {
    try {
      await call('watches.setActive', { id: w.id, active: !w.active });
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <>
      <Button
        variant="subtle"
        onClick={() => {
          setOpen(true);
          void load();
        }}
        data-testid="canvass-watches"
      >
        Watches and alerts
      </Button>
      <Drawer
        opened={open}
        onClose={() => setOpen(false)}
        position="right"
        size="lg"
        title="Partial-plate watches"
      >
        <Stack gap="sm">
          {error && <Alert color="red">{error}</Alert>}
          {watches.length === 0 && (
            <Text c="dimmed">No watches yet: search a pattern and choose “Watch…”.</Text>
          )}
          {watches.map((w) => (
            <Group key={w.id} justify="space-between" wrap="nowrap">
              <Stack gap={0}>
                <Text ff="monospace" fw={700}>
                  {w.pattern} {w.tolerant && <Badge size="xs">tolerant</Badge>}
                </Text>
                <Text size="xs" c="dimmed">
                  case {w.caseNumber} · {w.description} · {w.alerts} alert{w.alerts === 1 ? '' : 's'}
                </Text>
              </Stack>
              <Switch checked={w.active} onChange={() => void toggle(w)} label="active" />
            </Group>
          ))}
          <Text fw={600} mt="md">
            Recent alerts
          </Text>
          {alerts.length === 0 && <Text c="dimmed">No reads have matched a watch yet.</Text>}
          {alerts.map((a) => (
            <Stack key={a.id} gap={0}>
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm">
                  <b style={{ fontFamily: 'monospace' }}>{a.read.plate}</b> for {a.pattern} ·{' '}
                  {localTime(a.read.timestamp, { seconds: false })} · {a.read.source ?? ''}
                </Text>
                <Button size="compact-xs" variant="subtle" onClick={() => onOpenRead(a.read.id)}>
                  Open read
                </Button>
              </Group>
              {a.reasons.map((r) => (
                <Text key={r} size="xs" c="dimmed">
                  · {r}
                </Text>
              ))}
            </Stack>
          ))}
        </Stack>
      </Drawer>
    </>
  );
}
