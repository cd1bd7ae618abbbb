// Two-factor enrolment (R3): auth.totpBegin gives a secret and an otpauth URI (shown as text;
// no QR library in the offline bundle yet), auth.totpConfirm checks one code from the app.
import { Alert, Button, Code, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { call, messageOf } from '../api';
import { refreshMe } from './store';

export function TotpEnrol({ onDone }: { onDone?: () => void }) {
  const [secret, setSecret] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const begin = async () => {
    setBusy(true);
    setError(null);
    try {
      setSecret(await call('auth.totpBegin', {}));
    } catch (e) {
      setError(messageOf(e));
    }
    setBusy(false);
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('auth.totpConfirm', { code: code.trim() });
      setDone(true);
      await refreshMe();
      onDone?.();
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };

  if (done)
    return (
      <Alert color="green">Two-factor sign-in is on. You will be asked for a code at every sign-in.</Alert>
    );
  return (
    <Stack>
      {!secret && (
        <>
          <Text size="sm">
            Add Canvass to an authenticator app (on a phone or a hardware token). You will then need its
            six-digit code at every sign-in.
          </Text>
          <Button onClick={() => void begin()} loading={busy} data-testid="totp-begin">
            Start enrolment
          </Button>
        </>
      )}
      {secret && (
        <form onSubmit={confirm} noValidate>
          <Stack>
            <Text size="sm">Enter this secret in the app (or the URI, if the app accepts one):</Text>
            <Code block data-testid="totp-secret">
              {secret.secret}
            </Code>
            <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
              {secret.uri}
            </Code>
            <TextInput
              label="Code from the app"
              inputMode="numeric"
              maxLength={6}
              data-testid="totp-code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} data-testid="totp-confirm">
              Confirm
            </Button>
          </Stack>
        </form>
      )}
      {error && <Alert color="red">{error}</Alert>}
    </Stack>
  );
}
