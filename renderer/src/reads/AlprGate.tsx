// What stands between a member and ALPR data, checked before any call: current training (R2),
// two-factor enrolment when the agency requires it (R3), then purpose and case (R1). The core
// enforces all three again; this only explains them before the member runs into a refusal.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useNav } from '../app/navStore';
import { hasPermission, useSession } from '../app/sessionStore';
import { TotpEnrol } from '../auth/TotpEnrol';
import { AccessRequired } from './AccessPrompt';
import { useReadsStore } from './store';

export function AlprGate({ children }: { children: ReactNode }) {
  const me = useSession((s) => s.me);
  const access = useReadsStore((s) => s.access);
  const [enrol, setEnrol] = useState(false);
  const go = useNav((s) => s.go);
  if (!me) return null;
  // A first administrator has no training on record either: point them at where to add it.
  const mayRecord = hasPermission(me, 'training.manage');
  if (!me.trainingCurrent) {
    return (
      <Alert
        color="orange"
        title="ALPR training required"
        maw={640}
        mx="auto"
        mt="xl"
        data-testid="training-required"
      >
        <Text size="sm">
          Only members with current ALPR training may see ALPR data (R2).{' '}
          {me.trainingValidUntil
            ? `Your training expired on ${me.trainingValidUntil}.`
            : 'There is no ALPR training on record for you.'}{' '}
          {mayRecord
            ? 'You may record training yourself under Admin → Training (your own record included).'
            : 'Ask your ALPR administrator to record your training; you can keep using the rest of Canvass meanwhile.'}
        </Text>
        {mayRecord && (
          <Button
            size="xs"
            mt="sm"
            variant="light"
            onClick={() => go('admin')}
            data-testid="training-go-admin"
          >
            Open Admin → Training
          </Button>
        )}
      </Alert>
    );
  }
  if (me.needsTotpEnrollment) {
    return (
      <Stack maw={560} mx="auto" mt="xl" data-testid="totp-required">
        <Alert color="orange" title="Two-factor sign-in required">
          Your agency requires an authenticator code at sign-in before ALPR data can be shown.
        </Alert>
        {enrol ? <TotpEnrol /> : <Button onClick={() => setEnrol(true)}>Enrol now</Button>}
      </Stack>
    );
  }
  if (!access) return <AccessRequired />;
  return <>{children}</>;
}
