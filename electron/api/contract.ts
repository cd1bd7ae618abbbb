// The one contract between the shells and the core (DESIGN "electron/api"). Every command is
// declared here exactly once: its input schema (zod), result type, the permission it needs,
// its audit class, and whether it touches ALPR data (then it needs purpose + case, R1).
// The renderer imports this file for types and schemas; it must stay free of core and Node.
import { z } from 'zod';
import { canvassCommands } from './commands/canvass';
import { footageCommands } from './commands/footage';
import { PERMISSIONS, ROLES } from './roles';
import {
  accessSchema,
  agencyInputSchema,
  agencySettingsSchema,
  alprCmd,
  cmd,
  columnMappingSchema,
  id,
  importFormatSchema,
  isoDate,
  isoDateTime,
  password,
  readFilterSchema,
  username,
  type ColumnMapping,
} from './spec';

export * from './spec';
import type * as T from './types';

// ---- the commands

const baseCommands = {
  // first run and sign-in
  'setup.status': cmd<{ needsSetup: boolean; agencyName: string | null; banner: string | null }>()({
    input: z.object({}).strict(),
    gate: 'public',
    audit: 'quiet',
    alpr: false,
  }),
  'setup.initialize': cmd<T.SignInResult>()({
    input: z
      .object({
        agency: agencyInputSchema,
        admin: z.object({ username, displayName: z.string().trim().min(2).max(100), password }),
      })
      .strict(),
    gate: 'public',
    audit: 'admin',
    alpr: false,
    secret: ['admin.password'],
  }),
  'auth.signIn': cmd<T.SignInResult>()({
    input: z
      .object({ username: z.string().trim().min(1).max(64), password, totp: z.string().max(10).optional() })
      .strict(),
    gate: 'public',
    audit: 'auth',
    alpr: false,
    secret: ['password', 'totp'],
  }),
  'auth.signOut': cmd<{ ok: true }>()({
    input: z.object({}).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
  }),
  'auth.lock': cmd<{ ok: true }>()({
    input: z.object({}).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
  }),
  'auth.unlock': cmd<T.MeDto>()({
    input: z.object({ password }).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
    secret: ['password'],
  }),
  'auth.me': cmd<T.MeDto>()({
    input: z.object({}).strict(),
    gate: 'signed-in',
    audit: 'quiet',
    alpr: false,
    minimal: true,
  }),
  'auth.changePassword': cmd<{ ok: true }>()({
    input: z.object({ current: password, next: password }).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
    secret: ['current', 'next'],
  }),
  'auth.totpBegin': cmd<{ secret: string; uri: string }>()({
    input: z.object({}).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
  }),
  'auth.totpConfirm': cmd<{ ok: true }>()({
    input: z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
    secret: ['code'],
  }),
  'policy.get': cmd<{ text: string; version: number; acknowledgedVersion: number }>()({
    input: z.object({}).strict(),
    gate: 'signed-in',
    audit: 'quiet',
    alpr: false,
    minimal: true,
  }),
  'policy.acknowledge': cmd<T.MeDto>()({
    input: z.object({ version: z.number().int().positive() }).strict(),
    gate: 'signed-in',
    audit: 'auth',
    alpr: false,
    minimal: true,
  }),

  // administration
  'agency.get': cmd<T.AgencyDto>()({
    input: z.object({}).strict(),
    gate: 'agency.manage',
    audit: 'quiet',
    alpr: false,
  }),
  'agency.update': cmd<T.AgencyDto>()({
    input: agencyInputSchema.partial().extend({ settings: agencySettingsSchema.optional() }).strict(),
    gate: 'agency.manage',
    audit: 'admin',
    alpr: false,
  }),
  'users.list': cmd<(T.UserDto & { trainingValidUntil: string | null })[]>()({
    input: z.object({}).strict(),
    gate: 'users.manage',
    audit: 'admin',
    alpr: false,
  }),
  'users.create': cmd<T.UserDto>()({
    input: z
      .object({ username, displayName: z.string().trim().min(2).max(100), role: z.enum(ROLES), password })
      .strict(),
    gate: 'users.manage',
    audit: 'admin',
    alpr: false,
    secret: ['password'],
  }),
  'users.update': cmd<T.UserDto>()({
    input: z
      .object({
        id,
        displayName: z.string().trim().min(2).max(100).optional(),
        role: z.enum(ROLES).optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    gate: 'users.manage',
    audit: 'admin',
    alpr: false,
  }),
  'users.resetPassword': cmd<{ ok: true }>()({
    input: z.object({ id, password }).strict(),
    gate: 'users.manage',
    audit: 'admin',
    alpr: false,
    secret: ['password'],
  }),
  'users.unlock': cmd<{ ok: true }>()({
    input: z.object({ id }).strict(),
    gate: 'users.manage',
    audit: 'admin',
    alpr: false,
  }),
  'training.list': cmd<T.TrainingDto[]>()({
    input: z.object({ userId: id.optional() }).strict(),
    gate: 'training.manage',
    audit: 'admin',
    alpr: false,
  }),
  'training.members': cmd<T.TrainingMemberDto[]>()({
    input: z.object({}).strict(),
    gate: 'training.manage',
    audit: 'admin',
    alpr: false,
  }),
  'training.add': cmd<T.TrainingDto>()({
    input: z
      .object({
        userId: id,
        course: z.string().trim().min(2).max(200),
        completedOn: isoDate,
        expiresOn: isoDate.optional(),
      })
      .strict(),
    gate: 'training.manage',
    audit: 'admin',
    alpr: false,
  }),

  // reads (ALPR data: purpose + case number on every call, R1)
  'reads.search': alprCmd<T.ReadPageDto>()(
    z
      .object({
        access: accessSchema,
        filter: readFilterSchema,
        sort: z
          .object({
            field: z.enum(['timestamp', 'plate', 'confidence', 'source']),
            dir: z.enum(['asc', 'desc']),
          })
          .default({ field: 'timestamp', dir: 'desc' }),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(200),
      })
      .strict(),
  ),
  'reads.mapPoints': alprCmd<T.MapPointsDto>()(
    z
      .object({
        access: accessSchema,
        filter: readFilterSchema,
        limit: z.number().int().min(1).max(500_000).default(200_000),
      })
      .strict(),
  ),
  'reads.get': alprCmd<T.ReadDetailDto>()(z.object({ access: accessSchema, id }).strict()),
  /** A read's plate crop or context frame from the media folder (shown in read detail; R1, R3). */
  'reads.media': alprCmd<T.ReadMediaDto>()(
    z.object({ access: accessSchema, id, kind: z.enum(['crop', 'frame']) }).strict(),
  ),
  'reads.sources': cmd<T.SourceDto[]>()({
    input: z.object({}).strict(),
    gate: 'reads.view',
    audit: 'quiet',
    alpr: false,
  }),
  'reads.import': cmd<T.ImportResultDto>()({
    input: z
      .object({
        format: importFormatSchema,
        fileName: z.string().trim().min(1).max(255),
        /** File bytes, base64 (gzip accepted). */
        contentBase64: z.string().min(1).max(200_000_000),
        mapping: columnMappingSchema.optional(),
        mappingName: z.string().trim().min(1).max(100).optional(),
        saveMappingAs: z.string().trim().min(1).max(100).optional(),
        strict: z.boolean().default(false),
      })
      .strict(),
    gate: 'reads.import',
    audit: 'import',
    alpr: false,
    secret: ['contentBase64'],
  }),
  'reads.mappings': cmd<{ name: string; mapping: ColumnMapping }[]>()({
    input: z.object({}).strict(),
    gate: 'reads.import',
    audit: 'quiet',
    alpr: false,
  }),

  // audit (R4)
  'audit.list': cmd<{ total: number; records: T.AuditRecordDto[] }>()({
    input: z
      .object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        username: z.string().max(64).optional(),
        command: z.string().max(64).optional(),
        caseNumber: z.string().max(64).optional(),
        outcome: z.enum(['ok', 'denied', 'invalid', 'error']).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    gate: 'audit.view',
    audit: 'audit',
    alpr: false,
  }),
  'audit.verify': cmd<T.AuditVerifyDto>()({
    input: z.object({}).strict(),
    gate: 'audit.verify',
    audit: 'audit',
    alpr: false,
  }),
} as const;

export const commands = { ...baseCommands, ...canvassCommands, ...footageCommands } as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type InputOf<N extends CommandName> = z.input<Commands[N]['input']>;
export type ParsedInputOf<N extends CommandName> = z.output<Commands[N]['input']>;
export type ResultOf<N extends CommandName> = NonNullable<Commands[N]['result']>;

export function isCommandName(x: unknown): x is CommandName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(commands, x);
}

/** The one object both shells give the renderer (preload in Electron, host-client in a browser). */
export interface CanvassBridge {
  call<N extends CommandName>(name: N, input: InputOf<N>): Promise<T.ApiResponse<ResultOf<N>>>;
  /** Application events (job progress, alerts). Returns an unsubscribe function. */
  on(event: 'event', listener: (e: { type: string; payload: unknown }) => void): () => void;
  readonly shell: 'electron' | 'browser';
  /**
   * The path on this machine of a file the member dropped or picked (Electron only; a browser
   * never reveals it, so the host returns null and the page asks for the path instead).
   */
  pathForFile(file: File): string | null;
}

export const ALL_PERMISSIONS = PERMISSIONS;
