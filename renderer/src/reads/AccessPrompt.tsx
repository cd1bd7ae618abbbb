// R1: before any ALPR data is shown the member states why (a purpose from the agency's list)
// and for which case or incident. Checked with the contract's own schema, so the form and the
// core agree on what a valid case number is.
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { accessSchema } from '../../../electron/api/contract';
import { useSession } from '../app/sessionStore';
import { useReadsStore } from './store';

function AccessForm({ onCancel }: { onCancel?: () => void }) {
  const purposes = useSession((s) => s.me?.agency.purposes ?? []);
  const current = useReadsStore((s) => s.access);
  const setAccess = useReadsStore((s) => s.setAccess);
  const [purpose, setPurpose] = useState<string | null>(current?.purpose ?? null);
  const [caseNumber, setCaseNumber] = useState(current?.caseNumber ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = accessSchema.safeParse({ purpose: purpose ?? '', caseNumber });
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const i of parsed.error.issues) next[String(i.path[0])] ??= i.message;
      return setErrors(next);
    }
    if (!purposes.includes(parsed.data.purpose))
      return setErrors({ purpose: 'choose one of the listed purposes' });
    setAccess(parsed.data);
  };

  return (
    <form onSubmit={onSubmit} noValidate data-testid="access-form">
      <Stack>
        <Text size="sm">
          Every search is recorded with your name, the purpose and the case or incident number, and may be
          reviewed in audits.
        </Text>
        <Select
          label="Purpose"
          placeholder="Choose the purpose of this search"
          data={purposes}
          value={purpose}
          onChange={setPurpose}
          allowDeselect={false}
          searchable
          comboboxProps={{ withinPortal: true }}
          data-testid="access-purpose"
          error={errors.purpose}
        />
        <TextInput
          label="Case or incident number"
          placeholder="e.g. 26-001234"
          data-testid="access-case"
          value={caseNumber}
          onChange={(e) => setCaseNumber(e.currentTarget.value)}
          error={errors.caseNumber}
        />
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" data-testid="access-submit">
            {current ? 'Change' : 'Continue'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Shown in place of a data page until purpose and case are given. */
export function AccessRequired() {
  return (
    <Stack maw={560} mx="auto" mt="xl" data-testid="access-prompt">
      <Alert color="blue" title="Why are you searching?">
        ALPR data is for official law-enforcement use only (R1).
      </Alert>
      <AccessForm />
    </Stack>
  );
}

/** The same form in a modal, opened from the header chip to change purpose or case. */
export function AccessModal() {
  const open = useReadsStore((s) => s.promptOpen);
  const setOpen = useReadsStore((s) => s.openPrompt);
  return (
    <Modal opened={open} onClose={() => setOpen(false)} title="Purpose and case">
      <AccessForm onCancel={() => setOpen(false)} />
    </Modal>
  );
}
