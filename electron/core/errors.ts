// Errors the core raises on purpose. Each carries a stable code the shells map to a message,
// and where it helps, the place (field, line, character) that was wrong.
import type { ErrorCode } from '../api/types';

export type { ErrorCode };

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
