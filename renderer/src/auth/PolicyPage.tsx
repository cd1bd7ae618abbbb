// Policy acknowledgment (R15): the agency's posted ALPR policy, shown at first sign-in and
// after every change; nothing else is reachable until the member acknowledges this version.
import {
  Alert,
  Button,
  Container,
  Group,
  Loader,
  Paper,
  ScrollArea,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { call, messageOf } from '../api';
import { acknowledgePolicy, signOut } from './store';

interface Policy {
  text: string;
  version: number;
  acknowledgedVersion: number;
}

export function PolicyPage() {
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    call('policy.get', {})
      .then((p) => live && setPolicy(p))
      .catch((e: unknown) => live && setError(messageOf(e)));
    return () => {
      live = false;
    };
  }, []);

  const acknowledge = async () => {
    if (!policy) return;
    setBusy(true);
    setError(null);
    try {
      await acknowledgePolicy(policy.version);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
      // The policy may have changed meanwhile: show the current text.
      call('policy.get', {}).then(setPolicy, () => undefined);
    }
  };

  return (
    <Container size="md" py="xl" data-testid="policy-page">
      <Paper withBorder p="xl" radius="md">
        <Stack>
          <Title order={2}>ALPR usage and privacy policy</Title>
          {policy && policy.acknowledgedVersion > 0 && (
            <Alert color="yellow">
              The policy changed since you last acknowledged it. Please read it again.
            </Alert>
          )}
          {!policy && !error && <Loader />}
          {policy && (
            <>
              <Text size="sm" c="dimmed">
                Version {policy.version}
              </Text>
              <ScrollArea.Autosize mah="60vh" type="auto" className="canvass-print-full">
                <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="policy-text">
                  {policy.text}
                </Text>
              </ScrollArea.Autosize>
            </>
          )}
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="space-between">
            <Group gap="xs">
              <Button variant="default" onClick={() => void signOut()}>
                Sign out
              </Button>
              {/* R15: the posted policy is printable. */}
              <Button
                variant="subtle"
                onClick={() => window.print()}
                disabled={!policy}
                data-testid="policy-print"
              >
                Print
              </Button>
            </Group>
            <Button
              onClick={() => void acknowledge()}
              disabled={!policy}
              loading={busy}
              data-testid="policy-ack"
            >
              I have read and will follow this policy
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Container>
  );
}
