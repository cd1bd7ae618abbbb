// Agency profile (R1, R3, R15): name, ORI, purposes, the posted policy (a change raises its
// version and everyone must acknowledge again), idle lock, two-factor requirement, sign-in
// banner and map tiles (offline MBTiles, an online template, or none: the coordinate grid).
import {
  Alert,
  Button,
  Group,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import type { AgencyDto } from '../../../electron/api/types';
import { ApiError, call, messageOf } from '../api';
import { parsePurposes } from '../setup/defaults';
import { runAction } from '../shared/notify';
import { useAdminStore } from './store';

type TileKind = 'none' | 'mbtiles' | 'online';

function AgencyForm({ agency }: { agency: AgencyDto }) {
  const afterChange = useAdminStore((s) => s.afterChange);
  const setAgency = (a: AgencyDto) => useAdminStore.setState({ agency: a });
  const [name, setName] = useState(agency.name);
  const [ori, setOri] = useState(agency.ori);
  const [purposes, setPurposes] = useState(agency.purposes.join('\n'));
  const [policyText, setPolicyText] = useState(agency.policyText);
  const [idle, setIdle] = useState<number>(agency.settings.idleLockMinutes);
  const [requireTotp, setRequireTotp] = useState(agency.settings.requireTotp);
  const [banner, setBanner] = useState(agency.settings.banner);
  const t = agency.settings.tiles;
  const [tileKind, setTileKind] = useState<TileKind>(
    t.mbtilesPath ? 'mbtiles' : t.onlineUrl ? 'online' : 'none',
  );
  const [mbtilesPath, setMbtilesPath] = useState(t.mbtilesPath ?? '');
  const [onlineUrl, setOnlineUrl] = useState(t.onlineUrl ?? '');
  const [attribution, setAttribution] = useState(t.attribution);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const policyChanged = policyText.trim() !== agency.policyText.trim();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const updated = await call('agency.update', {
        name,
        ori: ori.trim().toUpperCase(),
        purposes: parsePurposes(purposes),
        ...(policyChanged ? { policyText } : {}),
        settings: {
          idleLockMinutes: idle,
          requireTotp,
          banner,
          tiles: {
            mbtilesPath: tileKind === 'mbtiles' ? mbtilesPath.trim() || null : null,
            onlineUrl: tileKind === 'online' ? onlineUrl.trim() || null : null,
            attribution,
          },
        },
      });
      setAgency(updated);
      await runAction('Agency profile saved.', afterChange);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setError(messageOf(err));
    }
    setBusy(false);
  };

  const purposeError = Object.entries(errors).find(([k]) => k.startsWith('purposes'))?.[1];
  return (
    <form onSubmit={onSubmit} noValidate data-testid="agency-form">
      <Stack maw={900}>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Agency name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
          />
          <TextInput
            label="ORI"
            value={ori}
            onChange={(e) => setOri(e.currentTarget.value.toUpperCase())}
            error={errors.ori}
          />
        </SimpleGrid>
        <Textarea
          label="Authorized purposes (one per line)"
          autosize
          minRows={4}
          value={purposes}
          onChange={(e) => setPurposes(e.currentTarget.value)}
          error={purposeError}
        />
        <Textarea
          label={`ALPR usage and privacy policy (version ${agency.policyVersion})`}
          autosize
          minRows={6}
          maxRows={18}
          value={policyText}
          onChange={(e) => setPolicyText(e.currentTarget.value)}
          error={errors.policyText}
          data-testid="agency-policy"
        />
        {policyChanged && (
          <Alert color="orange" data-testid="policy-change-warning">
            Saving a changed policy makes it version {agency.policyVersion + 1}: every member, you included,
            must read and acknowledge it again before going on (R15).
          </Alert>
        )}
        <Textarea
          label="Sign-in banner"
          autosize
          minRows={2}
          value={banner}
          onChange={(e) => setBanner(e.currentTarget.value)}
          error={errors['settings.banner']}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label="Lock after idle minutes"
            min={1}
            max={240}
            value={idle}
            onChange={(v) => typeof v === 'number' && setIdle(v)}
            error={errors['settings.idleLockMinutes']}
          />
          <Switch
            mt="lg"
            label="Require two-factor sign-in (TOTP) for ALPR data"
            checked={requireTotp}
            onChange={(e) => setRequireTotp(e.currentTarget.checked)}
          />
        </SimpleGrid>
        <div>
          <Text size="sm" fw={500} mb={4}>
            Map tiles
          </Text>
          <SegmentedControl
            value={tileKind}
            onChange={(v) => setTileKind(v as TileKind)}
            data={[
              { value: 'none', label: 'None (coordinate grid, offline)' },
              { value: 'mbtiles', label: 'MBTiles file (offline)' },
              { value: 'online', label: 'Online tile server' },
            ]}
          />
        </div>
        {tileKind === 'mbtiles' && (
          <TextInput
            label="MBTiles file path on this workstation"
            value={mbtilesPath}
            onChange={(e) => setMbtilesPath(e.currentTarget.value)}
            error={errors['settings.tiles.mbtilesPath']}
          />
        )}
        {tileKind === 'online' && (
          <>
            <TextInput
              label="Tile URL template"
              placeholder="https://tiles.example.org/{z}/{x}/{y}.png"
              description="Map views then reach this server; the workstation's CSP must allow its origin."
              value={onlineUrl}
              onChange={(e) => setOnlineUrl(e.currentTarget.value)}
              error={errors['settings.tiles.onlineUrl']}
            />
          </>
        )}
        {tileKind !== 'none' && (
          <TextInput
            label="Attribution"
            value={attribution}
            onChange={(e) => setAttribution(e.currentTarget.value)}
            error={errors['settings.tiles.attribution']}
          />
        )}
        {error && <Alert color="red">{error}</Alert>}
        <Group>
          <Button type="submit" loading={busy} data-testid="agency-save">
            Save agency profile
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function AgencyPanel() {
  const { agency, agencyError, loadAgency } = useAdminStore();
  useEffect(() => {
    void loadAgency();
  }, [loadAgency]);
  if (agencyError) return <Alert color="red">{agencyError}</Alert>;
  if (!agency) return null;
  // Keyed by updatedAt so the form restarts from what the core saved.
  return <AgencyForm key={agency.updatedAt} agency={agency} />;
}
