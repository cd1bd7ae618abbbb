// Adds the selected plate's reads (in scope) to a case: pick an existing case or create one.
import { Button, Group, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Access } from '../../../electron/api/contract';
import { runAction } from '../shared/notify';
import { useCanvassStore } from './store';

export function AddToCase({ access, plate, readIds }: { access: Access; plate: string; readIds: number[] }) {
  const cases = useCanvassStore((s) => s.cases);
  const createCase = useCanvassStore((s) => s.createCase);
  const addToCase = useCanvassStore((s) => s.addToCase);
  const [caseId, setCaseId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const existing = cases.find((c) => c.number.toLowerCase() === access.caseNumber.toLowerCase());
  const target = caseId ?? (existing ? String(existing.id) : null);
  return (
    <Group gap="xs" align="flex-end" data-testid="canvass-add-to-case">
      {cases.length > 0 && (
        <Select
          label="Case"
          data={cases.map((c) => ({ value: String(c.id), label: `${c.number} — ${c.title} (${c.reads})` }))}
          value={target}
          onChange={setCaseId}
          w={220}
        />
      )}
      {!existing && (
        <TextInput
          label={`Title for new case ${access.caseNumber}`}
          placeholder="e.g. Burglary 5th and Main"
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          w={240}
        />
      )}
      <Button
        variant="light"
        disabled={!target && title.trim().length < 2}
        onClick={() =>
          void runAction(`${readIds.length} read(s) of ${plate} added to the case`, async () => {
            const id = target ? Number(target) : (await createCase(access.caseNumber, title.trim())).id;
            await addToCase(access, id, readIds);
          })
        }
      >
        Add {plate} to case
      </Button>
    </Group>
  );
}
