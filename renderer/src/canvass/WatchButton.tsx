// Saves the current pattern as a partial-plate watch (R11): future reads that match are
// listed as alerts. The purpose and case of this session become the watch's own.
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Access } from '../../../electron/api/contract';
import { call } from '../api';
import { runAction } from '../shared/notify';

export function WatchButton({
  access,
  pattern,
  tolerant,
}: {
  access: Access;
  pattern: string;
  tolerant: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [description, setDescription] = useState('');
  return (
    <>
      <Button
        variant="default"
        disabled={!pattern.trim()}
        onClick={() => setOpen(true)}
        data-testid="canvass-watch"
      >
        Watch…
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Watch this partial plate">
        <Stack>
          <Text size="sm">
            Reads that arrive from now on and match <b style={{ fontFamily: 'monospace' }}>{pattern}</b>
            {tolerant ? ' (misread-tolerant)' : ''} are listed as alerts for case {access.caseNumber}.
          </Text>
          <TextInput
            label="Description"
            placeholder="grey sedan seen leaving the robbery at 3rd and Pine"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button
              disabled={description.trim().length < 3}
              onClick={() =>
                void runAction('Watch saved', async () => {
                  await call('watches.create', {
                    access,
                    pattern,
                    tolerant,
                    description: description.trim(),
                  });
                  setOpen(false);
                  setDescription('');
                })
              }
            >
              Save watch
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
