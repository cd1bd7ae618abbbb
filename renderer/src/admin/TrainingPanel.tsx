// Training records (R2): ALPR data is shown only to members with current training. Records
// carry the course and dates; without an expiry date the core applies the annual default.
import {
  Alert,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { useAdminStore } from './store';

function AddTraining({ userId }: { userId: number }) {
  const loadTraining = useAdminStore((s) => s.loadTraining);
  const afterChange = useAdminStore((s) => s.afterChange);
  const [course, setCourse] = useState('');
  const [completedOn, setCompletedOn] = useState<string | null>(dayjs().format('YYYY-MM-DD'));
  const [expiresOn, setExpiresOn] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await call('training.add', {
        userId,
        course: course.trim(),
        completedOn: completedOn ?? '',
        ...(expiresOn ? { expiresOn } : {}),
      });
      setCourse('');
      await Promise.all([loadTraining(), afterChange()]);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setError(messageOf(err));
    }
    setBusy(false);
  };

  return (
    <Paper withBorder p="sm">
      <form onSubmit={onSubmit} noValidate data-testid="training-form">
        <Group align="flex-start" grow>
          <TextInput
            label="Course"
            placeholder="ALPR operator training"
            value={course}
            onChange={(e) => setCourse(e.currentTarget.value)}
            error={errors.course}
            data-testid="training-course"
          />
          <DateInput
            label="Completed on"
            valueFormat="YYYY-MM-DD"
            value={completedOn}
            onChange={setCompletedOn}
            maxDate={dayjs().format('YYYY-MM-DD')}
            error={errors.completedOn}
            data-testid="training-completed"
          />
          <DateInput
            label="Expires on"
            description="Blank: the agency default (one year)"
            valueFormat="YYYY-MM-DD"
            clearable
            value={expiresOn}
            onChange={setExpiresOn}
            error={errors.expiresOn}
            data-testid="training-expires"
          />
        </Group>
        {error && (
          <Alert color="red" mt="xs">
            {error}
          </Alert>
        )}
        <Button type="submit" mt="sm" loading={busy} data-testid="training-add">
          Add training record
        </Button>
      </form>
    </Paper>
  );
}

export function TrainingPanel() {
  const me = useSession((s) => s.me)!;
  const { members, loadMembers, trainingUserId, training, trainingError, selectTrainingUser } = useAdminStore();

  useEffect(() => {
    void loadMembers();
    if (trainingUserId === null) void selectTrainingUser(me.user.id);
  }, [loadMembers, selectTrainingUser, trainingUserId, me.user.id]);

  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Stack data-testid="admin-training">
      <Select
          label="Member"
          searchable
          maw={400}
          allowDeselect={false}
          data={members.map((u) => ({ value: String(u.id), label: `${u.displayName} (${u.username})` }))}
          value={trainingUserId === null ? null : String(trainingUserId)}
          onChange={(v) => v && void selectTrainingUser(Number(v))}
          data-testid="training-user"
        />
      {trainingError && <Alert color="red">{trainingError}</Alert>}
      <Table striped data-testid="training-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Course</Table.Th>
            <Table.Th>Completed</Table.Th>
            <Table.Th>Expires</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {training.map((t) => (
            <Table.Tr key={t.id} data-testid="training-row">
              <Table.Td>{t.course}</Table.Td>
              <Table.Td>{t.completedOn}</Table.Td>
              <Table.Td>
                <Text size="sm" c={t.expiresOn < today ? 'red' : undefined}>
                  {t.expiresOn}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {training.length === 0 && (
        <Text size="sm" c="dimmed">
          No training on record: this member cannot see ALPR data (R2).
        </Text>
      )}
      {trainingUserId !== null && <AddTraining userId={trainingUserId} />}
    </Stack>
  );
}
