// Screens for before the session is known: starting up, and the core unreachable.
import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import { bootSession } from '../auth/store';
import { useSession } from './sessionStore';

export function LoadingScreen() {
  return (
    <Center mih="100vh">
      <Loader />
    </Center>
  );
}

export function FatalScreen() {
  const error = useSession((s) => s.bootError);
  return (
    <Center mih="100vh" p="md">
      <Stack maw={520}>
        <Alert color="red" title="Canvass cannot start" data-testid="fatal-error">
          {error}
        </Alert>
        <Button
          onClick={() => {
            useSession.setState({ boot: 'loading', bootError: null });
            void bootSession();
          }}
        >
          Try again
        </Button>
      </Stack>
    </Center>
  );
}
