// Building blocks of the api contract: the command spec shape, the `cmd` helper and the
// schemas several command groups share (purpose + case, read filters). Free of core and Node.
import { z } from 'zod';
import { type Permission } from './roles';

/** Who may call: nobody signed in, any signed-in member, or members holding a permission. */
export type Gate = 'public' | 'signed-in' | Permission;

/**
 * Audit classes. auth/admin/alpr/import/audit commands are recorded on every call; `quiet`
 * commands (reading one's own profile, the setup status) are recorded only when refused or failed.
 */
export type AuditClass = 'auth' | 'admin' | 'alpr' | 'import' | 'audit' | 'quiet';

export interface CommandSpec<I extends z.ZodType = z.ZodType, R = unknown> {
  input: I;
  gate: Gate;
  audit: AuditClass;
  /** Touches ALPR data: requires purpose + case number, current training, policy acknowledged. */
  alpr: boolean;
  /** Allowed while the session is idle-locked or the policy is not yet acknowledged. */
  minimal?: boolean;
  /** Input fields never written to the audit log (passwords, codes, file contents). */
  secret?: readonly string[];
  /** Phantom: carries the result type; never read at run time. */
  result?: R;
}

/** Declares a command: `cmd<Result>()({ input, gate, audit, alpr })` (curried so the input type is inferred). */
export function cmd<R>() {
  return <I extends z.ZodType>(spec: Omit<CommandSpec<I, R>, 'result'>): CommandSpec<I, R> => spec;
}

/** Declares a command that shows ALPR data: members with reads.view, purpose + case required, audited (R1, R3). */
export function alprCmd<R>() {
  return <I extends z.ZodType>(input: I): CommandSpec<I, R> => ({
    input,
    gate: 'reads.view',
    audit: 'alpr',
    alpr: true,
  });
}

// ---- shared pieces

/** R1: a purpose from the agency's list and a case or incident number, on every ALPR access. */
export const accessSchema = z.object({
  purpose: z.string().trim().min(1, 'choose a purpose'),
  caseNumber: z
    .string()
    .trim()
    .min(1, 'enter a case or incident number')
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._\-/#:]*$/, 'use letters, digits and - _ . / # :'),
});
export type Access = z.infer<typeof accessSchema>;

export const isoDateTime = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-31');
export const username = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');
export const password = z.string().min(1).max(256);
export const id = z.number().int().positive();

export const readFilterSchema = z
  .object({
    /** Plate text; `*` any run, `?` one character. The full canvass language comes with issue 4. */
    plate: z.string().trim().max(64).optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    bbox: z
      .object({
        south: z.number().min(-90).max(90),
        west: z.number().min(-180).max(180),
        north: z.number().min(-90).max(90),
        east: z.number().min(-180).max(180),
      })
      .refine((b) => b.south <= b.north && b.west <= b.east, 'south must be ≤ north and west ≤ east')
      .optional(),
    sourceIds: z.array(id).max(500).optional(),
    state: z.string().trim().length(2).optional(),
    color: z.string().trim().max(20).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
  })
  .strict();
export type ReadFilter = z.infer<typeof readFilterSchema>;

export const agencySettingsSchema = z.object({
  idleLockMinutes: z.number().int().min(1).max(240).optional(),
  requireTotp: z.boolean().optional(),
  tiles: z
    .object({
      mbtilesPath: z.string().min(1).nullable(),
      onlineUrl: z.string().nullable(),
      attribution: z.string().max(200),
    })
    .optional(),
  banner: z.string().max(2000).optional(),
});

export const agencyInputSchema = z.object({
  name: z.string().trim().min(2).max(200),
  ori: z
    .string()
    .trim()
    .regex(
      /^[A-Z]{2}[A-Z0-9]{7}$/,
      'an ORI is 9 characters: two-letter state, then 7 letters/digits (e.g. CA0194200)',
    ),
  purposes: z.array(z.string().trim().min(3).max(300)).min(1).max(50).optional(),
  policyText: z.string().trim().min(20, 'paste the agency ALPR usage and privacy policy').max(200_000),
});

export const importFormatSchema = z.enum(['seattle', 'canvass', 'csv']);

export const columnMappingSchema = z.object({
  delimiter: z.string().min(1).max(2).default(','),
  plate: z.string().min(1),
  timestamp: z.string().min(1),
  /** luxon format of the time column, or 'iso'. */
  timestampFormat: z.string().min(1).default('iso'),
  /** IANA zone for times without an offset. */
  timeZone: z.string().min(1).default('UTC'),
  lat: z.string().min(1),
  lon: z.string().min(1),
  source: z.string().min(1).optional(),
  sourceKind: z.string().min(1).optional(),
  state: z.string().min(1).optional(),
  confidence: z.string().min(1).optional(),
  heading: z.string().min(1).optional(),
  color: z.string().min(1).optional(),
  plateHashed: z.boolean().default(false),
});
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** Monrovia Police Department policy 463.2, "Authorized purposes": the default list (R1), offered at first run. */
export const DEFAULT_PURPOSES = [
  'Investigation for prosecution or exoneration of suspected criminal (including terrorist) incidents',
  'Identification and/or location of wanted persons',
  'Enforcement of sanctions, orders, or sentences',
  'Crime prevention/general law enforcement purposes',
  'Crime Analysis',
  'Investigatory leads in subsequent investigations',
];
