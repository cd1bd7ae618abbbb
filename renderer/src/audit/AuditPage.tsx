// Audit workspace (R3, R4): every recorded command with who, when, purpose, case, query,
// outcome and result count, filterable and paged; and verification of the hash chain, whose
// result is shown prominently because a broken chain means the log was tampered with.
import {
  Alert,
  Badge,
  Button,
  Group,
  Pagination,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useEffect, type FormEvent } from 'react';
import { commands } from '../../../electron/api/contract';
import { hasPermission, useSession } from '../app/sessionStore';
import { localTime, zoneName } from '../reads/format';
import { AUDIT_PAGE_SIZE, useAuditStore, type Outcome } from './store';

const OUTCOME_COLORS: Record<Outcome, string> = {
  ok: 'green',
  denied: 'red',
  invalid: 'orange',
  error: 'grape',
};
const COMMAND_NAMES = Object.keys(commands).sort();

function VerifyPanel() {
  const { verify, verifying, verifyError, runVerify } = useAuditStore();
  const may = useSession((s) => hasPermission(s.me, 'audit.verify'));
  if (!may) return null;
  return (
    <Stack gap="xs">
      <Group>
        <Button onClick={() => void runVerify()} loading={verifying} data-testid="audit-verify">
          Verify chain
        </Button>
        <Text size="sm" c="dimmed">
          Recomputes every record's hash; any change, gap or reordering shows here.
        </Text>
      </Group>
      {verifyError && <Alert color="red">{verifyError}</Alert>}
      {verify && verify.ok && (
        <Alert color="green" title="Audit chain intact" data-testid="audit-verify-result" data-ok="true">
          {verify.records.toLocaleString()} records verified, head at #{verify.headSeq}. This verification is
          recorded after them, as the next record.
        </Alert>
      )}
      {verify && !verify.ok && (
        <Alert color="red" title="Audit chain BROKEN" data-testid="audit-verify-result" data-ok="false">
          <Text size="sm" mb="xs">
            {verify.problems.length} problem(s) in {verify.records.toLocaleString()} records. Report this to
            the ALPR administrator and keep a copy of the database.
          </Text>
          <Table>
            <Table.Tbody>
              {verify.problems.map((p) => (
                <Table.Tr key={`${p.seq}-${p.kind}`}>
                  <Table.Td>#{p.seq}</Table.Td>
                  <Table.Td>{p.kind}</Table.Td>
                  <Table.Td>{p.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Alert>
      )}
    </Stack>
  );
}

function Filters() {
  const { draft, edit, apply, clear } = useAuditStore();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply();
  };
  return (
    <Paper withBorder p="sm">
      <form onSubmit={onSubmit} noValidate>
        <SimpleGrid cols={{ base: 2, md: 4, xl: 7 }} spacing="xs">
          <TextInput
            label="User"
            value={draft.username}
            onChange={(e) => edit({ username: e.currentTarget.value })}
            data-testid="audit-filter-user"
          />
          <Select
            label="Command"
            clearable
            searchable
            data={COMMAND_NAMES}
            value={draft.command}
            onChange={(v) => edit({ command: v })}
            data-testid="audit-filter-command"
          />
          <TextInput
            label="Case"
            value={draft.caseNumber}
            onChange={(e) => edit({ caseNumber: e.currentTarget.value })}
            data-testid="audit-filter-case"
          />
          <Select
            label="Outcome"
            clearable
            data={['ok', 'denied', 'invalid', 'error']}
            value={draft.outcome}
            onChange={(v) => edit({ outcome: (v as Outcome | null) ?? null })}
          />
          <DateTimePicker
            label={`From (${zoneName(new Date())})`}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
            value={draft.from}
            onChange={(v) => edit({ from: v })}
          />
          <DateTimePicker
            label={`To (${zoneName(new Date())})`}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
            value={draft.to}
            onChange={(v) => edit({ to: v })}
          />
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <Button type="submit" data-testid="audit-filter-apply">
              Apply
            </Button>
            <Button variant="default" onClick={clear}>
              Clear
            </Button>
          </Group>
        </SimpleGrid>
      </form>
    </Paper>
  );
}

export function AuditPage() {
  const { records, total, page, loading, loaded, error, setPage, load } = useAuditStore();
  useEffect(() => {
    void load();
  }, [load]);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  return (
    <Stack data-testid="audit-page">
      <Group justify="space-between">
        <Title order={3}>Audit log</Title>
        <Text size="sm" c="dimmed" data-testid="audit-total" data-total={loaded ? total : ''}>
          {total.toLocaleString()} records
        </Text>
      </Group>
      <VerifyPanel />
      <Filters />
      {error && <Alert color="red">{error}</Alert>}
      <Table striped highlightOnHover data-testid="audit-table" data-loading={loading}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Command</Table.Th>
            <Table.Th>Purpose</Table.Th>
            <Table.Th>Case</Table.Th>
            <Table.Th>Query</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Results</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r) => (
            <Table.Tr
              key={r.seq}
              data-testid="audit-row"
              data-command={r.command}
              data-case={r.caseNumber ?? ''}
            >
              <Table.Td>{r.seq}</Table.Td>
              <Table.Td>
                <Tooltip label={`UTC ${new Date(r.at).toISOString()}`}>
                  <Text size="sm" span>
                    {localTime(new Date(r.at).toISOString())}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td>{r.username ? `${r.username} (${r.role})` : '—'}</Table.Td>
              <Table.Td className="canvass-mono">{r.command}</Table.Td>
              <Table.Td maw={220}>
                <Text size="sm" truncate title={r.purpose ?? ''}>
                  {r.purpose ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>{r.caseNumber ?? '—'}</Table.Td>
              <Table.Td maw={260}>
                <Text size="xs" className="canvass-mono" truncate title={r.query ?? ''}>
                  {r.query ?? ''}
                </Text>
                {r.detail && (
                  <Text size="xs" c="dimmed" truncate title={r.detail}>
                    {r.detail}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {/* a clipped label hides its width from the table, which then squeezes it to "INVAL…" */}
                <Badge
                  color={OUTCOME_COLORS[r.outcome]}
                  variant="light"
                  styles={{ label: { overflow: 'visible' } }}
                >
                  {r.outcome}
                </Badge>
              </Table.Td>
              <Table.Td>{r.resultCount ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {loaded && records.length === 0 && <Text c="dimmed">No records match.</Text>}
      <Pagination
        total={pages}
        value={page}
        onChange={setPage}
        getControlProps={(c) => ({ 'aria-label': `${c} page` })}
        getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
      />
    </Stack>
  );
}
