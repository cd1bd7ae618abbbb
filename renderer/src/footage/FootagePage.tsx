// Import Footage page (issue 5): videos, photos or folders on this workstation, the source
// they came from (name, kind, fixed position, clock correction, time zone, position track),
// and the jobs with live progress from the core's events. Reads found appear in Reads.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  FileButton,
  Group,
  NumberInput,
  Paper,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState, type DragEvent } from 'react';
import type { JobDto, JobStatus } from '../../../electron/api/types-footage';
import { bridge } from '../api';
import { useSession } from '../app/sessionStore';
import { PositionPicker } from './PositionPicker';
import { parseAt, useFootageStore, type SourceKind } from './store';

const KINDS: { value: SourceKind; label: string }[] = [
  { value: 'dashcam', label: 'Dash cam' },
  { value: 'mobile', label: 'Mobile ALPR' },
  { value: 'fixed', label: 'Fixed camera' },
  { value: 'cctv', label: 'CCTV' },
  { value: 'bodycam', label: 'Body cam' },
  { value: 'photo', label: 'Photos' },
  { value: 'other', label: 'Other' },
];

const COLOR: Record<JobStatus, string> = {
  queued: 'gray',
  running: 'blue',
  stopping: 'yellow',
  cancelling: 'yellow',
  interrupted: 'orange',
  done: 'green',
  failed: 'red',
  cancelled: 'gray',
};

function eta(s: number | null): string {
  if (s === null) return '';
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s left`;
}

/**
 * Dropped or chosen files give their path through the bridge in Electron (the file dialog is
 * the operating system's); a browser never reveals it, so there the paths are typed.
 */
function DropZone() {
  const addPaths = useFootageStore((s) => s.addPaths);
  const [over, setOver] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const take = (files: File[], how: 'dropped' | 'chosen') => {
    const b = bridge();
    const paths = files.map((f) => b?.pathForFile(f) ?? null).filter((p): p is string => !!p);
    if (paths.length) addPaths(paths);
    setNote(
      paths.length || files.length === 0
        ? null
        : `This window cannot see where ${how} files are; type or paste their paths below.`,
    );
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    take([...e.dataTransfer.files], 'dropped');
  };
  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      data-testid="footage-dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      style={{
        borderStyle: 'dashed',
        borderWidth: 2,
        background: over ? 'var(--mantine-color-blue-light)' : undefined,
      }}
    >
      <Stack align="center" gap={4}>
        <Text>Drop videos (mp4, mov, mkv, avi), photos (jpg, png) or folders here</Text>
        <Text size="sm" c="dimmed">
          Files are read where they are; nothing is copied until plates are found.
        </Text>
        <FileButton
          multiple
          accept="video/mp4,video/quicktime,video/x-matroska,video/x-msvideo,.mp4,.mov,.m4v,.mkv,.avi,image/jpeg,image/png"
          onChange={(files) => take(files, 'chosen')}
        >
          {(props) => (
            <Button {...props} variant="light" size="xs" data-testid="footage-choose">
              Choose files…
            </Button>
          )}
        </FileButton>
        {note && (
          <Text size="sm" c="orange">
            {note}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function SourceForm() {
  const { draft, edit, fieldErrors, busy, start, error } = useFootageStore();
  const tiles = useSession((s) => s.me)!.tiles;
  // one object per typed value, so the map moves its marker only when the position changes
  const at = useMemo(() => parseAt(draft.at), [draft.at]);
  return (
    <Stack gap="sm">
      <Textarea
        label="Files and folders on this workstation"
        description="One path per line"
        autosize
        minRows={2}
        value={draft.paths}
        error={fieldErrors.paths}
        onChange={(e) => edit({ paths: e.currentTarget.value })}
        data-testid="footage-paths"
      />
      <Group grow align="flex-start">
        <TextInput
          label="Source name"
          placeholder="Imported footage"
          value={draft.sourceName}
          onChange={(e) => edit({ sourceName: e.currentTarget.value })}
        />
        <Select
          label="Kind"
          data={KINDS}
          value={draft.kind}
          allowDeselect={false}
          onChange={(v) => v && edit({ kind: v as SourceKind })}
        />
        <NumberInput
          label="Frames per second"
          min={0.1}
          max={60}
          step={1}
          value={draft.fps}
          onChange={(v) => edit({ fps: String(v) })}
        />
        <Checkbox
          label="Read plate states in videos too"
          description="Photos always get them; the state also decides O or 0 where its plates use one glyph. In videos an hour takes ~15% longer"
          checked={draft.videoStates}
          onChange={(e) => edit({ videoStates: e.currentTarget.checked })}
          data-testid="footage-video-states"
          mt={26}
        />
      </Group>
      <Group grow align="flex-start">
        <Stack gap={6}>
          <TextInput
            label="Fixed position"
            description="latitude, longitude — for a camera that does not move; or click the map"
            value={draft.at}
            error={fieldErrors['source.at']}
            onChange={(e) => edit({ at: e.currentTarget.value })}
            data-testid="footage-at"
          />
          <PositionPicker
            tiles={tiles}
            at={at}
            onPick={(lat, lon) => edit({ at: `${lat.toFixed(6)}, ${lon.toFixed(6)}` })}
          />
        </Stack>
        <TextInput
          label="Position track"
          description="GPX, NMEA or CSV (time, lat, lon) file"
          value={draft.trackPath}
          error={fieldErrors.trackPath}
          onChange={(e) => edit({ trackPath: e.currentTarget.value })}
        />
      </Group>
      <Group grow align="flex-start">
        <TextInput
          label="Clock correction (seconds)"
          description="How far the camera's clock runs ahead; negative if behind"
          value={draft.clockOffset}
          error={fieldErrors['source.clockOffsetSeconds']}
          onChange={(e) => edit({ clockOffset: e.currentTarget.value })}
        />
        <TextInput
          label="Time zone of photo times"
          description="IANA zone, e.g. America/Los_Angeles (default UTC)"
          value={draft.timeZone}
          error={fieldErrors['source.timeZone']}
          onChange={(e) => edit({ timeZone: e.currentTarget.value })}
        />
      </Group>
      {error && (
        <Alert color="red" data-testid="footage-error">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button onClick={() => void start()} loading={busy} data-testid="footage-start">
          Import footage
        </Button>
      </Group>
    </Stack>
  );
}

function JobRow({ job }: { job: JobDto }) {
  const { cancel, resume } = useFootageStore();
  const p = job.progress;
  const active =
    job.status === 'running' ||
    job.status === 'queued' ||
    job.status === 'stopping' ||
    job.status === 'cancelling';
  return (
    <Table.Tr data-testid={`footage-job-${job.id}`}>
      <Table.Td>#{job.id}</Table.Td>
      <Table.Td>
        <Text size="sm">{job.params.source.name}</Text>
        <Text size="xs" c="dimmed">
          {job.files.length} file(s){p.currentFile ? ` — ${p.currentFile}` : ''}
        </Text>
        {job.error && (
          <Text size="xs" c="red" style={{ whiteSpace: 'pre-line' }}>
            {job.error}
          </Text>
        )}
      </Table.Td>
      <Table.Td w={260}>
        <Progress value={p.percent} animated={job.status === 'running'} />
        <Text size="xs" c="dimmed">
          {p.percent.toFixed(1)}% · {p.framesDone} frames · {p.readsFound} reads{' '}
          {job.status === 'running' ? `· ${eta(p.etaSeconds)}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={COLOR[job.status]}>{job.status}</Badge>
      </Table.Td>
      <Table.Td>
        {active && (
          <Button size="xs" variant="default" onClick={() => void cancel(job.id)}>
            Cancel
          </Button>
        )}
        {job.status === 'interrupted' && (
          <Button size="xs" onClick={() => void resume(job.id)}>
            Resume
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function FootagePage() {
  const { jobs, load, listen } = useFootageStore();
  useEffect(() => {
    void load();
    return listen();
  }, [load, listen]);
  return (
    <Stack gap="md" p="md">
      <Title order={2}>Import footage</Title>
      <DropZone />
      <SourceForm />
      <Title order={3}>Jobs</Title>
      {jobs.length === 0 ? (
        <Text c="dimmed">No footage imported yet.</Text>
      ) : (
        <Table striped>
          <Table.Tbody>
            {jobs.map((j) => (
              <JobRow key={j.id} job={j} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
