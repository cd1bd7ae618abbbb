// Header chip "Purpose · Case": always shows under which purpose and case the member is
// browsing (R1), and opens the form to change them.
import { Button, Tooltip } from '@mantine/core';
import { AccessModal } from './AccessPrompt';
import { useReadsStore } from './store';

export function AccessChip() {
  const access = useReadsStore((s) => s.access);
  const openPrompt = useReadsStore((s) => s.openPrompt);
  if (!access) return null;
  const short = access.purpose.length > 28 ? `${access.purpose.slice(0, 26)}…` : access.purpose;
  return (
    <>
      <Tooltip label={`${access.purpose} · case ${access.caseNumber} — click to change`}>
        <Button
          variant="light"
          radius="xl"
          size="compact-sm"
          onClick={() => openPrompt(true)}
          data-testid="access-chip"
        >
          {short} · {access.caseNumber}
        </Button>
      </Tooltip>
      <AccessModal />
    </>
  );
}
