// Data shapes that cross the api door (results of commands). Plain types only: the renderer
// imports this file, so it must never import core or Node modules.
import type { Permission, Role } from './roles';

export interface UserDto {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  totpEnabled: boolean;
  lockedUntil: number | null;
  policyAckVersion: number;
  mustChangePassword: boolean;
  createdAt: number;
}

export interface TrainingDto {
  id: number;
  userId: number;
  course: string;
  completedOn: string;
  expiresOn: string;
  recordedBy: number | null;
  recordedAt: number;
}

/** A member as the training administrator sees them: who, and training valid until (R2). */
export interface TrainingMemberDto {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  trainingValidUntil: string | null;
}

export interface AgencySettingsDto {
  idleLockMinutes: number;
  requireTotp: boolean;
  tiles: { mbtilesPath: string | null; onlineUrl: string | null; attribution: string };
  banner: string;
}

export interface AgencyDto {
  name: string;
  ori: string;
  purposes: string[];
  policyText: string;
  policyVersion: number;
  settings: AgencySettingsDto;
  updatedAt: number;
}

/** What a signed-in member needs to know about themselves and what blocks them. */
export interface MeDto {
  user: UserDto;
  permissions: Permission[];
  agency: { name: string; ori: string; purposes: string[]; policyVersion: number; banner: string };
  trainingValidUntil: string | null;
  trainingCurrent: boolean;
  needsPolicyAck: boolean;
  needsTotpEnrollment: boolean;
  idleLockMinutes: number;
  tiles: { kind: 'mbtiles' | 'online' | 'none'; url: string | null; attribution: string };
}

export interface SignInResult {
  me: MeDto;
  /** Present only on the wire between shell and client; the renderer never sees it. */
  token?: string;
}

export interface SourceDto {
  id: number;
  name: string;
  kind: string;
  reads: number;
}

export interface ReadRowDto {
  id: number;
  plate: string;
  plateHashed: boolean;
  confidence: number | null;
  state: string | null;
  /** UTC, ISO 8601. */
  timestamp: string;
  lat: number | null;
  lon: number | null;
  heading: number | null;
  source: string | null;
  color: string | null;
}

export interface ReadDetailDto extends ReadRowDto {
  plateRaw: string | null;
  charConfidences: number[] | null;
  alternatives: { text: string; confidence: number }[] | null;
  importId: number | null;
  cropRef: string | null;
  frameRef: string | null;
  modelVersion: string | null;
  provenance: Record<string, unknown> | null;
}

export type ReadMediaKind = 'crop' | 'frame';

/** A read's stored image (reads.media), checked against the SHA-256 the read records. */
export interface ReadMediaDto {
  id: number;
  kind: ReadMediaKind;
  sha256: string;
  mime: string;
  bytes: number;
  base64: string;
  /** false: the file's bytes no longer hash to sha256 (changed after import). */
  intact: boolean;
}

export interface ReadPageDto {
  total: number;
  rows: ReadRowDto[];
}

export interface MapPointsDto {
  total: number;
  /** [id, lat, lon] triples; capped, with `truncated` set when more matched. */
  points: [number, number, number][];
  truncated: boolean;
}

export interface ImportRejection {
  line: number;
  reason: string;
}

export interface ImportResultDto {
  importId: number | null;
  fileName: string;
  sha256: string;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  rejections: ImportRejection[];
  duplicateOf: number | null;
  seconds: number;
}

export interface AuditRecordDto {
  seq: number;
  at: number;
  userId: number | null;
  username: string | null;
  role: string | null;
  command: string;
  auditClass: string;
  purpose: string | null;
  caseNumber: string | null;
  query: string | null;
  outcome: 'ok' | 'denied' | 'invalid' | 'error';
  resultCount: number | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyDto {
  ok: boolean;
  records: number;
  headSeq: number;
  problems: { seq: number; kind: string; message: string }[];
}

/** Codes of the errors the core raises on purpose (electron/core/errors.ts). */
export type ErrorCode =
  | 'unknown_command'
  | 'unauthenticated'
  | 'session_locked'
  | 'forbidden'
  | 'invalid_input'
  | 'purpose_required'
  | 'training_required'
  | 'policy_ack_required'
  | 'totp_required'
  | 'account_locked'
  | 'bad_credentials'
  | 'not_found'
  | 'conflict'
  | 'store_version'
  | 'import_failed'
  | 'setup_done'
  | 'internal';

/** The error shape every shell returns for a refused or failed command. */
export interface ApiErrorDto {
  code: string;
  message: string;
  details?: unknown;
}

export type ApiResponse<T> = { ok: true; result: T } | { ok: false; error: ApiErrorDto };
