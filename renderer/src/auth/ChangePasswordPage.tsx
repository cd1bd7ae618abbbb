// Forced password change: a member signed in with a temporary password (set by an
// administrator) must choose their own before anything else (R3, individual credentials).
import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { PasswordForm } from './PasswordForm';
import { signOut } from './store';

export function ChangePasswordPage() {
  return (
    <Center mih="100vh" p="md" data-testid="password-page">
      <Paper withBorder p="xl" radius="md" w={440}>
        <Stack>
          <Title order={3}>Choose your own password</Title>
          <Text size="sm" c="dimmed">
            You signed in with a temporary password. Choose a new one that only you know.
          </Text>
          <PasswordForm submitLabel="Save new password" />
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
