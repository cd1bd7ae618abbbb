// The renderer's only door to the core: a typed wrapper around `window.canvass` (the bridge
// that the Electron preload or the browser host's client script provides). It turns
// `{ ok: false }` answers into ApiError exceptions and routes the errors that concern the
// whole session (signed out, idle-locked, policy not acknowledged) to the session store, so
// every screen gets the same behaviour without handling them itself (R3, R15).
import type { CanvassBridge, CommandName, InputOf, ResultOf } from '../../electron/api/contract';
import type { ApiErrorDto, ErrorCode } from '../../electron/api/types';
import { useSession } from './app/sessionStore';
import { fieldErrorsOf } from './shared/fieldErrors';

export { fieldErrorsOf };

declare global {
  interface Window {
    canvass?: CanvassBridge;
  }
}

/** Error codes the core answers with (electron/core/errors.ts), the host client's `offline`, and two of our own. */
export type ApiErrorCode = ErrorCode | 'offline' | 'no_bridge' | 'transport';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details: unknown;

  constructor(dto: ApiErrorDto) {
    super(dto.message);
    this.name = 'ApiError';
    this.code = dto.code as ApiErrorCode;
    this.details = dto.details;
  }

  /** Field messages keyed by dotted path, from `details.issues` or `details.field`. */
  fieldErrors(): Record<string, string> {
    return fieldErrorsOf(this.details, this.message);
  }
}

export function isApiError(e: unknown, code?: ApiErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** A readable line for any thrown value. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export function bridge(): CanvassBridge | undefined {
  // globalThis is `window` in the page; spelled this way the module also runs in unit tests.
  return (globalThis as { canvass?: CanvassBridge }).canvass;
}

/** Calls a command; resolves with its result or throws ApiError. */
export async function call<N extends CommandName>(name: N, input: InputOf<N>): Promise<ResultOf<N>> {
  const b = bridge();
  if (!b) {
    throw new ApiError({
      code: 'no_bridge',
      message: 'Canvass is not connected: no bridge to the core was found.',
    });
  }
  let response;
  try {
    response = await b.call(name, input);
  } catch (e) {
    throw new ApiError({ code: 'transport', message: `Could not reach the Canvass core: ${messageOf(e)}` });
  }
  if (response.ok) return response.result;
  const err = new ApiError(response.error);
  routeSessionError(err);
  throw err;
}

/** Session-wide errors change the screen; the caller still gets the error to stop its work. */
function routeSessionError(err: ApiError): void {
  const session = useSession.getState();
  switch (err.code) {
    case 'unauthenticated':
      session.signedOut(err.message);
      break;
    case 'session_locked':
      session.locked();
      break;
    case 'policy_ack_required':
      session.policyRequired();
      break;
    default:
      break;
  }
}
