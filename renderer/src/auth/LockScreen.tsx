// The idle lock (R3): hides everything and asks for the member's password; the data stays in
// memory so the analyst returns to where they were. Signing out instead ends the session.
import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { signOut, unlockSession } from './store';

export function LockScreen() {
  const me = useSession((s) => s.me);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unlockSession(password);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" data-testid="lock-screen">
      <Paper withBorder p="xl" radius="md" w={400}>
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <Title order={3}>Session locked</Title>
            <Text size="sm" c="dimmed">
              {me ? `${me.user.displayName} (${me.user.username})` : ''} — enter your password to continue.
            </Text>
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              autoFocus
              data-testid="unlock-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {error && <Alert color="red">{error}</Alert>}
            <Group justify="space-between">
              <Button variant="subtle" onClick={() => void signOut()}>
                Sign out
              </Button>
              <Button type="submit" loading={busy} data-testid="unlock-submit">
                Unlock
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
