// Sign-in (R3): individual credentials, the agency banner (R12) above the form, and a TOTP
// field that appears when the core answers totp_required.
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { signIn, useAuthStore } from './store';

export function SignInPage() {
  const setup = useSession((s) => s.setup);
  const notice = useSession((s) => s.signInNotice);
  const totpAsked = useAuthStore((s) => s.totpAsked);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password, totpAsked ? totp.trim() : undefined);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" data-testid="signin-page">
      <Paper withBorder p="xl" radius="md" w={440}>
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <div>
              <Title order={2}>Canvass</Title>
              {setup?.agencyName && <Text c="dimmed">{setup.agencyName}</Text>}
            </div>
            {setup?.banner && (
              <Alert color="yellow" variant="light" title="Authorized use only" data-testid="signin-banner">
                {setup.banner}
              </Alert>
            )}
            {notice && <Alert color="blue">{notice}</Alert>}
            <TextInput
              label="User name"
              autoComplete="username"
              required
              data-testid="signin-username"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              data-testid="signin-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {totpAsked && (
              <TextInput
                label="Authenticator code"
                description="Six digits from your authenticator app"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={10}
                data-testid="signin-totp"
                value={totp}
                onChange={(e) => setTotp(e.currentTarget.value)}
                autoFocus
              />
            )}
            {error && (
              <Alert color="red" data-testid="signin-error">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} data-testid="signin-submit">
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
