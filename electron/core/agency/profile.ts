// The agency profile (R1, R15): name, ORI, the list of purposes a member may give for a query,
// the posted usage and privacy policy (versioned: a change asks everyone to acknowledge again),
// and workstation settings. The profile is created once, by first-run setup.
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock';
import { CanvassError } from '../errors';
import { DEFAULT_PURPOSES } from '../../api/spec';

export { DEFAULT_PURPOSES };

export const settingsSchema = z.object({
  /** R3: lock the session after this many idle minutes. */
  idleLockMinutes: z.number().int().min(1).max(240).default(30),
  /** R3: every member must enrol a TOTP second factor. */
  requireTotp: z.boolean().default(false),
  /** Map tiles: an offline MBTiles file, or an online URL template; neither means a plain grid. */
  tiles: z
    .object({
      mbtilesPath: z.string().min(1).nullable().default(null),
      onlineUrl: z
        .string()
        .regex(/^https:\/\/[^\s]+\{z\}[^\s]*$/, 'must be an https URL template with {z}, {x} and {y}')
        .nullable()
        .default(null),
      attribution: z.string().max(200).default(''),
    })
    .default({ mbtilesPath: null, onlineUrl: null, attribution: '' }),
  /** Sign-in banner (R12): shown before sign-in. */
  banner: z
    .string()
    .max(2000)
    .default(
      'ALPR data is for official law-enforcement use only. Every query is logged with your name, purpose and case number. ' +
        'Use for personal reasons, harassment, or on the basis of protected characteristics or First Amendment activity is prohibited.',
    ),
});
export type AgencySettings = z.infer<typeof settingsSchema>;

export interface AgencyProfile {
  name: string;
  ori: string;
  purposes: string[];
  policyText: string;
  policyVersion: number;
  settings: AgencySettings;
  updatedAt: number;
}

type Row = {
  name: string;
  ori: string;
  purposes: string;
  policy_text: string;
  policy_version: number;
  settings: string;
  updated_at: number;
};

export function getAgency(db: Database): AgencyProfile | null {
  const r = db.prepare('SELECT * FROM agency WHERE id = 1').get() as Row | undefined;
  if (!r) return null;
  return {
    name: r.name,
    ori: r.ori,
    purposes: JSON.parse(r.purposes) as string[],
    policyText: r.policy_text,
    policyVersion: r.policy_version,
    settings: settingsSchema.parse(JSON.parse(r.settings)),
    updatedAt: r.updated_at,
  };
}

export function requireAgency(db: Database): AgencyProfile {
  const a = getAgency(db);
  if (!a) throw new CanvassError('not_found', 'This workstation has not been set up yet (run first-run setup or `canvass init`).');
  return a;
}

export interface AgencyInput {
  name: string;
  ori: string;
  purposes?: string[];
  policyText: string;
  settings?: Partial<AgencySettings>;
}

export function createAgency(db: Database, clock: Clock, input: AgencyInput): AgencyProfile {
  if (getAgency(db)) throw new CanvassError('setup_done', 'The agency profile already exists.');
  const now = clock.now();
  db.prepare(
    `INSERT INTO agency (id, name, ori, purposes, policy_text, policy_version, settings, created_at, updated_at)
     VALUES (1, ?, ?, ?, ?, 1, ?, ?, ?)`,
  ).run(
    input.name,
    input.ori,
    JSON.stringify(input.purposes?.length ? input.purposes : DEFAULT_PURPOSES),
    input.policyText,
    JSON.stringify(settingsSchema.parse(input.settings ?? {})),
    now,
    now,
  );
  return requireAgency(db);
}

/** Updates the profile. A changed policy text raises its version, so everyone re-acknowledges. */
export function updateAgency(db: Database, clock: Clock, patch: Partial<AgencyInput>): AgencyProfile {
  const cur = requireAgency(db);
  const policyChanged = patch.policyText !== undefined && patch.policyText !== cur.policyText;
  const settings = settingsSchema.parse({ ...cur.settings, ...(patch.settings ?? {}) });
  db.prepare(
    `UPDATE agency SET name = ?, ori = ?, purposes = ?, policy_text = ?, policy_version = ?, settings = ?, updated_at = ?
     WHERE id = 1`,
  ).run(
    patch.name ?? cur.name,
    patch.ori ?? cur.ori,
    JSON.stringify(patch.purposes ?? cur.purposes),
    patch.policyText ?? cur.policyText,
    cur.policyVersion + (policyChanged ? 1 : 0),
    JSON.stringify(settings),
    clock.now(),
  );
  return requireAgency(db);
}
