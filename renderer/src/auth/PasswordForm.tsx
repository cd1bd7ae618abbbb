// The change-password form, used both for the forced change of a temporary password and from
// the account menu. The core judges strength; its message is shown next to the new password.
import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../api';
import { changePassword } from './store';

export function PasswordForm({
  onDone,
  submitLabel = 'Change password',
}: {
  onDone?: () => void;
  submitLabel?: string;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) return setErrors({ confirm: 'The two passwords differ' });
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await changePassword(current, next);
      setBusy(false);
      onDone?.();
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'bad_credentials') setErrors({ current: err.message });
      else if (err instanceof ApiError && err.fieldErrors().password) setErrors({ next: err.message });
      else setError(messageOf(err));
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          data-testid="pw-current"
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          error={errors.current}
        />
        <PasswordInput
          label="New password"
          description="At least 10 characters, letters mixed with digits or symbols"
          autoComplete="new-password"
          data-testid="pw-next"
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          error={errors.next}
        />
        <PasswordInput
          label="Repeat new password"
          autoComplete="new-password"
          data-testid="pw-confirm"
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          error={errors.confirm}
        />
        {error && <Alert color="red">{error}</Alert>}
        <Button type="submit" loading={busy} data-testid="pw-submit">
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
