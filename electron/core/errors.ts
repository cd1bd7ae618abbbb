// Errors the core raises on purpose. Each carries a stable code the shells map to a message,
// and where it helps, the place (field, line, character) that was wrong.
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

export class CanvassError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CanvassError';
  }
}

export function isCanvassError(e: unknown): e is CanvassError {
  return e instanceof CanvassError;
}
