// Members (R2, R3): roles, disabled and locked state, training validity; create with a
// temporary password (the member must change it at first sign-in), change role, disable,
// reset password, unlock after too many failed sign-ins.
import {
  Alert,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../electron/api/roles';
import { ApiError, call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { runAction } from '../shared/notify';
import { useAdminStore, type UserRow } from './store';

function CreateUserModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const afterChange = useAdminStore((s) => s.afterChange);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await call('users.create', {
        username: username.trim(),
        displayName: displayName.trim(),
        role,
        password,
      });
      await afterChange();
      setUsername('');
      setDisplayName('');
      setPassword('');
      setBusy(false);
      onClose();
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setError(messageOf(err));
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="New member">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <TextInput
            label="User name"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={errors.username}
            data-testid="new-user-username"
          />
          <TextInput
            label="Display name"
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={errors.displayName}
            data-testid="new-user-display-name"
          />
          <Select
            label="Role"
            data={[...ROLES]}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            allowDeselect={false}
            data-testid="new-user-role"
          />
          <PasswordInput
            label="Temporary password"
            description="The member must choose their own at first sign-in"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
            data-testid="new-user-password"
          />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="new-user-submit">
            Create
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: UserRow | null; onClose(): void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    setBusy(true);
    const ok = await runAction(
      `Temporary password set for ${user.username}; their sessions were ended.`,
      () => call('users.resetPassword', { id: user.id, password }),
    );
    setBusy(false);
    if (ok) {
      setPassword('');
      onClose();
    }
  };
  return (
    <Modal opened={user !== null} onClose={onClose} title={`Reset password — ${user?.username ?? ''}`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <PasswordInput
            label="Temporary password"
            description="The member must choose their own at next sign-in"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="reset-password"
          />
          <Button type="submit" loading={busy} data-testid="reset-password-submit">
            Set temporary password
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function Status({ u }: { u: UserRow }) {
  const locked = u.lockedUntil !== null && u.lockedUntil > Date.now();
  return (
    <Group gap={4}>
      {u.disabled && <Badge color="gray">disabled</Badge>}
      {locked && <Badge color="red">locked</Badge>}
      {u.mustChangePassword && <Badge color="yellow">temporary password</Badge>}
      {u.totpEnabled && <Badge color="teal">2FA</Badge>}
      {!u.disabled && !locked && !u.mustChangePassword && <Badge color="green">active</Badge>}
    </Group>
  );
}

export function UsersPanel() {
  const { users, usersError, loadUsers, afterChange } = useAdminStore();
  const meId = useSession((s) => s.me?.user.id);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  useEffect(() => {
    void loadUsers();
  }, [loadUsers]);
  const today = new Date().toISOString().slice(0, 10);

  const update = (u: UserRow, patch: { role?: Role; disabled?: boolean }, msg: string) =>
    runAction(msg, async () => {
      await call('users.update', { id: u.id, ...patch });
      await afterChange();
    });

  return (
    <Stack data-testid="admin-users">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {users.length} members
        </Text>
        <Button onClick={() => setCreating(true)} data-testid="new-user">
          New member
        </Button>
      </Group>
      {usersError && <Alert color="red">{usersError}</Alert>}
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Training valid until</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id} data-testid="user-row" data-username={u.username}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {u.displayName}
                </Text>
                <Text size="xs" c="dimmed">
                  {u.username}
                </Text>
              </Table.Td>
              <Table.Td w={200}>
                <Select
                  size="xs"
                  data={[...ROLES]}
                  value={u.role}
                  allowDeselect={false}
                  disabled={u.id === meId}
                  aria-label={`Role of ${u.displayName}`}
                  data-testid="user-role"
                  onChange={(v) =>
                    v && v !== u.role && void update(u, { role: v as Role }, `${u.username} is now ${v}.`)
                  }
                />
              </Table.Td>
              <Table.Td>
                <Status u={u} />
              </Table.Td>
              <Table.Td>
                {u.trainingValidUntil ? (
                  <Text size="sm" c={u.trainingValidUntil < today ? 'red' : undefined}>
                    {u.trainingValidUntil}
                  </Text>
                ) : (
                  <Text size="sm" c="orange">
                    none
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Menu position="bottom-end">
                  <Menu.Target>
                    <Button size="xs" variant="default">
                      Actions
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item onClick={() => setResetting(u)}>Reset password…</Menu.Item>
                    <Menu.Item
                      onClick={() =>
                        void runAction(
                          `${u.username} unlocked.`,
                          async () => (await call('users.unlock', { id: u.id }), await afterChange()),
                        )
                      }
                    >
                      Unlock
                    </Menu.Item>
                    {u.id !== meId && (
                      <Menu.Item
                        color={u.disabled ? undefined : 'red'}
                        onClick={() =>
                          void update(
                            u,
                            { disabled: !u.disabled },
                            `${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`,
                          )
                        }
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </Menu.Item>
                    )}
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </Stack>
  );
}
