// Filter bar for reads (shared by the table and the map): plate pattern with * and ?, a time
// window, sources, state, colour (R16) and minimum confidence. Applied on submit, so typing
// does not fire an audited search per keystroke.
import {
  Button,
  Collapse,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  SimpleGrid,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useEffect, useState, type FormEvent } from 'react';
import { describeFilter } from './filters';
import { zoneName } from './format';
import { useReadsStore } from './store';

/** `defaultOpen` false folds the form into one line (the map wants the room). */
export function ReadsFilters({ defaultOpen = true }: { defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const filter = useReadsStore((s) => s.filter);
  const errors = useReadsStore((s) => s.fieldErrors);
  const draft = useReadsStore((s) => s.draft);
  const sources = useReadsStore((s) => s.sources);
  const edit = useReadsStore((s) => s.editDraft);
  const apply = useReadsStore((s) => s.applyDraft);
  const reset = useReadsStore((s) => s.resetFilter);
  const loadSources = useReadsStore((s) => s.loadSources);

  useEffect(() => {
    void loadSources();
  }, [loadSources]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply();
  };

  return (
    <Paper withBorder p="sm" data-testid="reads-filters">
      <UnstyledButton
        onClick={() => setOpen((o) => !o)}
        data-testid="filters-toggle"
        aria-expanded={open}
        w="100%"
      >
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            {open ? '▾' : '▸'} Filters
          </Text>
          <Text size="sm" c="dimmed" truncate>
            {describeFilter(filter)}
          </Text>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open}>
        <form onSubmit={onSubmit} noValidate style={{ paddingTop: 'var(--mantine-spacing-xs)' }}>
          <SimpleGrid cols={{ base: 2, md: 4, xl: 8 }} spacing="xs" verticalSpacing="xs">
            <TextInput
              label="Plate"
              placeholder="AB*12?"
              description="* any run, ? one character"
              data-testid="filter-plate"
              error={errors['filter.plate']}
              value={draft.plate}
              onChange={(e) => edit({ plate: e.currentTarget.value })}
            />
            <DateTimePicker
              label="From"
              description={`Local time (${zoneName(new Date())})`}
              placeholder="any"
              clearable
              withSeconds
              valueFormat="YYYY-MM-DD HH:mm:ss"
              data-testid="filter-from"
              error={errors['filter.from']}
              value={draft.from}
              onChange={(v) => edit({ from: v })}
            />
            <DateTimePicker
              label="To"
              description={`Local time (${zoneName(new Date())})`}
              placeholder="any"
              clearable
              withSeconds
              valueFormat="YYYY-MM-DD HH:mm:ss"
              data-testid="filter-to"
              error={errors['filter.to']}
              value={draft.to}
              onChange={(v) => edit({ to: v })}
            />
            <MultiSelect
              label="Sources"
              description={`${sources.length} known`}
              placeholder="all"
              searchable
              clearable
              data={sources.map((s) => ({
                value: String(s.id),
                label: `${s.name} (${s.reads.toLocaleString()})`,
              }))}
              data-testid="filter-sources"
              error={errors['filter.sourceIds']}
              value={draft.sourceIds}
              onChange={(v) => edit({ sourceIds: v })}
            />
            <TextInput
              label="State"
              description="Two letters"
              placeholder="CA"
              maxLength={2}
              data-testid="filter-state"
              error={errors['filter.state']}
              value={draft.state}
              onChange={(e) => edit({ state: e.currentTarget.value.toUpperCase() })}
            />
            <TextInput
              label="Colour"
              description="Vehicle colour"
              placeholder="white"
              data-testid="filter-color"
              error={errors['filter.color']}
              value={draft.color}
              onChange={(e) => edit({ color: e.currentTarget.value })}
            />
            <NumberInput
              label="Min confidence"
              description="Percent"
              placeholder="0"
              min={0}
              max={100}
              clampBehavior="strict"
              suffix="%"
              data-testid="filter-confidence"
              error={errors['filter.minConfidence']}
              value={draft.minConfidence}
              onChange={(v) => edit({ minConfidence: typeof v === 'number' ? v : '' })}
            />
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <Button type="submit" data-testid="filter-apply">
                Apply
              </Button>
              <Button variant="default" onClick={reset} data-testid="filter-reset">
                Reset
              </Button>
            </Group>
          </SimpleGrid>
        </form>
      </Collapse>
    </Paper>
  );
}
