// A signed-in member as the core describes them (auth.me), for renderer tests.
import type { MeDto } from '../../../electron/api/types';

export function me(patch: Partial<MeDto> = {}, user: Partial<MeDto['user']> = {}): MeDto {
  return {
    user: {
      id: 1,
      username: 'ada',
      displayName: 'Ada',
      role: 'administrator',
      disabled: false,
      totpEnabled: false,
      lockedUntil: null,
      policyAckVersion: 1,
      mustChangePassword: false,
      createdAt: 0,
      ...user,
    },
    permissions: [],
    agency: { name: 'PD', ori: 'CA0190000', purposes: ['Crime Analysis'], policyVersion: 1, banner: '' },
    trainingValidUntil: null,
    trainingCurrent: false,
    needsPolicyAck: false,
    needsTotpEnrollment: false,
    idleLockMinutes: 30,
    tiles: { kind: 'none', url: null, attribution: '' },
    ...patch,
  };
}
