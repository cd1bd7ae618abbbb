// First-run setup screen (shown while setup.status says needsSetup): agency name and ORI, the
// purposes members may give (R1), the posted policy (R15) and the first administrator.
import {
  Alert,
  Button,
  Container,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import type { FormEvent } from 'react';
import { useSetupStore } from './store';

export function SetupPage() {
  const { draft, errors, error, busy, edit, submit } = useSetupStore();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };
  // Errors for a list item (agency.purposes.3) are shown on the list as a whole.
  const purposeError = Object.entries(errors).find(([k]) => k.startsWith('agency.purposes'))?.[1];
  return (
    <Container size="md" py="xl" data-testid="setup-page">
      <Paper withBorder p="xl" radius="md">
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <div>
              <Title order={2}>Set up Canvass</Title>
              <Text c="dimmed" size="sm">
                This workstation has no agency yet. Enter the agency profile and the first administrator.
                Everything here can be changed later under Admin.
              </Text>
            </div>
            <Title order={4}>Agency</Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Agency name"
                required
                data-testid="setup-agency-name"
                value={draft.agencyName}
                onChange={(e) => edit({ agencyName: e.currentTarget.value })}
                error={errors['agency.name']}
              />
              <TextInput
                label="ORI"
                description="Two-letter state, then 7 letters or digits"
                placeholder="CA0194200"
                required
                data-testid="setup-ori"
                value={draft.ori}
                onChange={(e) => edit({ ori: e.currentTarget.value.toUpperCase() })}
                error={errors['agency.ori']}
              />
            </SimpleGrid>
            <Textarea
              label="Authorized purposes (one per line)"
              description="Members choose one of these for every search (R1). Leave out anything the policy prohibits."
              autosize
              minRows={4}
              data-testid="setup-purposes"
              value={draft.purposes}
              onChange={(e) => edit({ purposes: e.currentTarget.value })}
              error={purposeError}
            />
            <Textarea
              label="ALPR usage and privacy policy"
              description="Shown to every member at first sign-in and whenever it changes (R15)."
              required
              autosize
              minRows={6}
              maxRows={16}
              data-testid="setup-policy"
              value={draft.policyText}
              onChange={(e) => edit({ policyText: e.currentTarget.value })}
              error={errors['agency.policyText']}
            />
            <Title order={4}>First administrator</Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="User name"
                required
                autoComplete="username"
                data-testid="setup-username"
                value={draft.username}
                onChange={(e) => edit({ username: e.currentTarget.value })}
                error={errors['admin.username']}
              />
              <TextInput
                label="Display name"
                required
                data-testid="setup-display-name"
                value={draft.displayName}
                onChange={(e) => edit({ displayName: e.currentTarget.value })}
                error={errors['admin.displayName']}
              />
              <PasswordInput
                label="Password"
                description="At least 10 characters, letters mixed with digits or symbols"
                required
                autoComplete="new-password"
                data-testid="setup-password"
                value={draft.password}
                onChange={(e) => edit({ password: e.currentTarget.value })}
                error={errors['admin.password']}
              />
              <PasswordInput
                label="Repeat password"
                required
                autoComplete="new-password"
                data-testid="setup-confirm"
                value={draft.confirm}
                onChange={(e) => edit({ confirm: e.currentTarget.value })}
                error={errors['admin.confirm']}
              />
            </SimpleGrid>
            {error && (
              <Alert color="red" data-testid="setup-error">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} data-testid="setup-submit">
              Create agency and administrator
            </Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
