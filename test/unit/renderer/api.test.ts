// The api door of the renderer: results pass through, refusals become ApiError, and the
// errors that concern the whole session move it to the right screen (R3 lock, R15 policy,
// sign-in) and forget ALPR data when the session ends.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../../electron/api/types';
import { ApiError, call } from '../../../renderer/src/api';
import { derivePhase, useSession } from '../../../renderer/src/app/sessionStore';
import { useReadsStore } from '../../../renderer/src/reads/store';
import { me } from './fixtures';

type Bridge = {
  shell: 'browser';
  on(): () => void;
  call(name: string, input: unknown): Promise<ApiResponse<unknown>>;
};
const scope = globalThis as { canvass?: Bridge };

function answer(response: ApiResponse<unknown> | Error) {
  scope.canvass = {
    shell: 'browser',
    on: () => () => undefined,
    call: async () => {
      if (response instanceof Error) throw response;
      return response;
    },
  };
}

const refusal = (code: string, details?: unknown): ApiResponse<never> => ({
  ok: false,
  error: { code, message: `${code} happened`, ...(details ? { details } : {}) },
});

describe('renderer api door', () => {
  beforeEach(() => {
    useSession.setState({
      boot: 'ready',
      setup: { needsSetup: false, agencyName: 'PD', banner: '' },
      me: me(),
      isLocked: false,
    });
    useReadsStore.getState().setAccess({ purpose: 'Crime Analysis', caseNumber: '26-1' });
  });
  afterEach(() => {
    delete scope.canvass;
  });

  it('passes results through', async () => {
    answer({ ok: true, result: [{ id: 1, name: 'cam', kind: 'fixed', reads: 3 }] });
    await expect(call('reads.sources', {})).resolves.toEqual([
      { id: 1, name: 'cam', kind: 'fixed', reads: 3 },
    ]);
    expect(derivePhase(useSession.getState())).toBe('app');
  });

  it('turns a refusal into ApiError with field messages', async () => {
    answer(refusal('invalid_input', { issues: [{ path: 'filter.state', message: 'two letters' }] }));
    const err = await call('reads.sources', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_input');
    expect((err as ApiError).fieldErrors()).toEqual({ 'filter.state': 'two letters' });
    expect(derivePhase(useSession.getState())).toBe('app');
  });

  it('session_locked from any call shows the lock screen and keeps the data (R3)', async () => {
    answer(refusal('session_locked'));
    await expect(call('reads.sources', {})).rejects.toMatchObject({ code: 'session_locked' });
    expect(derivePhase(useSession.getState())).toBe('locked');
    expect(useReadsStore.getState().access).not.toBeNull();
  });

  it('policy_ack_required sends the member to the policy (R15)', async () => {
    answer(refusal('policy_ack_required'));
    await expect(call('audit.verify', {})).rejects.toMatchObject({ code: 'policy_ack_required' });
    expect(derivePhase(useSession.getState())).toBe('policy');
  });

  it('unauthenticated ends the session on screen and forgets purpose, case and reads (R1)', async () => {
    answer(refusal('unauthenticated'));
    await expect(call('reads.sources', {})).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(derivePhase(useSession.getState())).toBe('signin');
    expect(useSession.getState().signInNotice).toBe('unauthenticated happened');
    expect(useReadsStore.getState().access).toBeNull();
  });

  it('says so plainly when there is no bridge or it cannot be reached', async () => {
    await expect(call('setup.status', {})).rejects.toMatchObject({ code: 'no_bridge' });
    answer(new Error('socket hang up'));
    await expect(call('setup.status', {})).rejects.toMatchObject({ code: 'transport' });
  });
});
