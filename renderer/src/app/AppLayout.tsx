// The main layout once every gate is passed: header (agency, purpose · case chip, theme,
// account menu), navbar with the pages this member's role allows, and the open page.
import { AppShell, Burger, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { useEffect, type ReactNode } from 'react';
import { AdminPage } from '../admin/AdminPage';
import { AuditPage } from '../audit/AuditPage';
import { CanvassPage } from '../canvass/CanvassPage';
import { FootagePage } from '../footage/FootagePage';
import { ImportPage } from '../import/ImportPage';
import { MapPage } from '../map/MapPage';
import { AccessChip } from '../reads/AccessChip';
import { ReadsPage } from '../reads/ReadsPage';
import { lockSession } from '../auth/store';
import { AccountMenu } from './AccountMenu';
import { useNav, type PageId } from './navStore';
import { hasPermission, useSession } from './sessionStore';
import { ThemeToggle } from './ThemeToggle';
import { useBridgeEvents } from './useBridgeEvents';
import { useIdleLock } from './useIdleLock';

interface NavItem {
  id: PageId;
  label: string;
  hint: string;
  visible: boolean;
}

export function AppLayout() {
  const me = useSession((s) => s.me)!;
  const page = useNav((s) => s.page);
  const go = useNav((s) => s.go);
  const [opened, { toggle }] = useDisclosure();
  useIdleLock(me.idleLockMinutes);
  // R3: stepping away should take one keystroke.
  useHotkeys([['mod+shift+L', () => void lockSession()]]);
  useBridgeEvents();

  const items: NavItem[] = [
    {
      id: 'canvass',
      label: 'Canvass',
      hint: 'Partial plates near a scene',
      visible: hasPermission(me, 'reads.view'),
    },
    { id: 'reads', label: 'Reads', hint: 'Browse plate reads', visible: hasPermission(me, 'reads.view') },
    { id: 'map', label: 'Map', hint: 'Reads on the map', visible: hasPermission(me, 'reads.view') },
    {
      id: 'import',
      label: 'Import',
      hint: 'Bring in read exports',
      visible: hasPermission(me, 'reads.import'),
    },
    {
      id: 'footage',
      label: 'Footage',
      hint: 'Read plates from video',
      visible: hasPermission(me, 'reads.import'),
    },
    { id: 'audit', label: 'Audit', hint: 'Who looked, and why', visible: hasPermission(me, 'audit.view') },
    {
      id: 'admin',
      label: 'Admin',
      hint: 'Users, training, agency',
      visible:
        hasPermission(me, 'users.manage') ||
        hasPermission(me, 'agency.manage') ||
        hasPermission(me, 'training.manage'),
    },
  ];
  const visible = items.filter((i) => i.visible);
  const current = visible.some((i) => i.id === page) ? page : visible[0]?.id;

  useEffect(() => {
    document.body.dataset.canvassPage = current ?? 'none';
  }, [current]);

  let content: ReactNode;
  switch (current) {
    case 'canvass':
      content = <CanvassPage />;
      break;
    case 'footage':
      content = <FootagePage />;
      break;
    case 'reads':
      content = <ReadsPage />;
      break;
    case 'map':
      content = <MapPage />;
      break;
    case 'import':
      content = <ImportPage />;
      break;
    case 'audit':
      content = <AuditPage />;
      break;
    case 'admin':
      content = <AdminPage />;
      break;
    default:
      content = <Text p="md">Your role ({me.user.role}) has no pages in this version of Canvass.</Text>;
  }

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 210, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
      data-testid="app-shell"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" />
            <Title order={4}>Canvass</Title>
            <Text size="sm" c="dimmed" visibleFrom="md" truncate>
              {me.agency.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            {(current === 'reads' || current === 'map' || current === 'canvass') && <AccessChip />}
            <ThemeToggle />
            <AccountMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Stack gap={2}>
          {visible.map((i) => (
            <NavLink
              key={i.id}
              label={i.label}
              description={i.hint}
              active={i.id === current}
              onClick={() => go(i.id)}
              data-testid={`nav-${i.id}`}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main h="100dvh">{content}</AppShell.Main>
    </AppShell>
  );
}
