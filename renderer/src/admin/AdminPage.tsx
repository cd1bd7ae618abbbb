// Administration: members, training records and the agency profile, each shown only to
// roles that hold the permission.
import { Stack, Tabs, Title } from '@mantine/core';
import { hasPermission, useSession } from '../app/sessionStore';
import { AgencyPanel } from './AgencyPanel';
import { TrainingPanel } from './TrainingPanel';
import { UsersPanel } from './UsersPanel';

export function AdminPage() {
  const me = useSession((s) => s.me);
  const tabs = [
    { id: 'users', label: 'Users', ok: hasPermission(me, 'users.manage') },
    { id: 'training', label: 'Training', ok: hasPermission(me, 'training.manage') },
    { id: 'agency', label: 'Agency', ok: hasPermission(me, 'agency.manage') },
  ].filter((t) => t.ok);
  return (
    <Stack data-testid="admin-page">
      <Title order={3}>Administration</Title>
      <Tabs defaultValue={tabs[0]?.id} keepMounted={false}>
        <Tabs.List>
          {tabs.map((t) => (
            <Tabs.Tab key={t.id} value={t.id} data-testid={`admin-tab-${t.id}`}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <UsersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="training" pt="md">
          <TrainingPanel />
        </Tabs.Panel>
        <Tabs.Panel value="agency" pt="md">
          <AgencyPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
