// Where the project's real data sets lie (../shared/data beside the checkout, see its README).
// A clone elsewhere finds them through $CANVASS_SHARED_DATA or the workspace's fixed place.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedDataDir(): string {
  const candidates = [process.env.CANVASS_SHARED_DATA, join(repoRoot, '..', 'shared', 'data'), '/work/shared/data'].filter(
    (c): c is string => !!c,
  );
  const found = candidates.find((c) => existsSync(join(c, 'README.md')));
  if (!found) {
    throw new Error(`The shared data sets were not found (looked in ${candidates.join(', ')}); set CANVASS_SHARED_DATA.`);
  }
  return found;
}

export const sharedData = (...parts: string[]) => join(sharedDataDir(), ...parts);
export const SEATTLE_WEEK = () => sharedData('seattle-alpr-week', 'spd-alpr-pub.csv.gz');
