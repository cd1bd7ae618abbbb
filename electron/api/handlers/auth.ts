// Handlers for first-run setup, sign-in and the member's own account.
import { createAgency, getAgency, requireAgency } from '../../core/agency/profile';
import {
  createSession,
  endSession,
  setSessionLocked,
} from '../../core/auth/sessions';
import { hasCurrentTraining, trainingValidUntil } from '../../core/auth/training';
import {
  acknowledgePolicy,
  beginTotp,
  changePassword,
  checkCredentials,
  confirmTotp,
  countUsers,
  createUser,
  getUser,
  verifyUserPassword,
  type User,
} from '../../core/auth/users';
import type { Core } from '../../core/app';
import { CanvassError } from '../../core/errors';
import { permissionsOf } from '../roles';
import type { MeDto } from '../types';
import { actorOf, type HandlerContext, type HandlerMap } from './context';

export function buildMe(core: Core, user: User, origin: HandlerContext['origin']): MeDto {
  const { db } = core.store;
  const agency = requireAgency(db);
  const t = agency.settings.tiles;
  const tiles: MeDto['tiles'] = t.mbtilesPath
    ? { kind: 'mbtiles', url: origin === 'electron' ? 'canvass-tiles://tiles/{z}/{x}/{y}' : '/tiles/{z}/{x}/{y}', attribution: t.attribution }
    : t.onlineUrl
      ? { kind: 'online', url: t.onlineUrl, attribution: t.attribution }
      : { kind: 'none', url: null, attribution: '' };
  return {
    user,
    permissions: [...permissionsOf(user.role)],
    agency: {
      name: agency.name,
      ori: agency.ori,
      purposes: agency.purposes,
      policyVersion: agency.policyVersion,
      banner: agency.settings.banner,
    },
    trainingValidUntil: trainingValidUntil(db, user.id),
    trainingCurrent: hasCurrentTraining(db, core.clock, user.id),
    needsPolicyAck: user.policyAckVersion < agency.policyVersion,
    needsTotpEnrollment: agency.settings.requireTotp && !user.totpEnabled,
    idleLockMinutes: agency.settings.idleLockMinutes,
    tiles,
  };
}

export const authHandlers: HandlerMap<
  | 'setup.status'
  | 'setup.initialize'
  | 'auth.signIn'
  | 'auth.signOut'
  | 'auth.lock'
  | 'auth.unlock'
  | 'auth.me'
  | 'auth.changePassword'
  | 'auth.totpBegin'
  | 'auth.totpConfirm'
  | 'policy.get'
  | 'policy.acknowledge'
> = {
  'setup.status': ({ core }) => {
    const a = getAgency(core.store.db);
    return { needsSetup: !a || countUsers(core.store.db) === 0, agencyName: a?.name ?? null, banner: a?.settings.banner ?? null };
  },
  'setup.initialize': (ctx, input) => {
    const { db } = ctx.core.store;
    return db.transaction(() => {
      if (getAgency(db) || countUsers(db) > 0) throw new CanvassError('setup_done', 'This workstation is already set up.');
      createAgency(db, ctx.core.clock, input.agency);
      const admin = createUser(db, ctx.core.clock, { ...input.admin, role: 'administrator' });
      ctx.newActor = admin;
      const token = createSession(db, ctx.core.clock, admin.id);
      return { me: buildMe(ctx.core, admin, ctx.origin), token };
    })();
  },
  'auth.signIn': (ctx, input) => {
    const { db } = ctx.core.store;
    const user = checkCredentials(db, ctx.core.clock, input.username, input.password, input.totp);
    ctx.newActor = user;
    const token = createSession(db, ctx.core.clock, user.id);
    return { me: buildMe(ctx.core, user, ctx.origin), token };
  },
  'auth.signOut': (ctx) => {
    endSession(ctx.core.store.db, ctx.core.clock, actorOf(ctx).token);
    return { ok: true };
  },
  'auth.lock': (ctx) => {
    setSessionLocked(ctx.core.store.db, ctx.core.clock, actorOf(ctx).token, true);
    return { ok: true };
  },
  'auth.unlock': (ctx, input) => {
    const a = actorOf(ctx);
    if (!verifyUserPassword(ctx.core.store.db, a.user.id, input.password)) {
      throw new CanvassError('bad_credentials', 'Wrong password.');
    }
    setSessionLocked(ctx.core.store.db, ctx.core.clock, a.token, false);
    return buildMe(ctx.core, a.user, ctx.origin);
  },
  'auth.me': (ctx) => buildMe(ctx.core, actorOf(ctx).user, ctx.origin),
  'auth.changePassword': (ctx, input) => {
    changePassword(ctx.core.store.db, ctx.core.clock, actorOf(ctx).user.id, input.current, input.next);
    return { ok: true };
  },
  'auth.totpBegin': (ctx) => beginTotp(ctx.core.store.db, actorOf(ctx).user.id),
  'auth.totpConfirm': (ctx, input) => {
    confirmTotp(ctx.core.store.db, ctx.core.clock, actorOf(ctx).user.id, input.code);
    return { ok: true };
  },
  'policy.get': (ctx) => {
    const a = requireAgency(ctx.core.store.db);
    return { text: a.policyText, version: a.policyVersion, acknowledgedVersion: actorOf(ctx).user.policyAckVersion };
  },
  'policy.acknowledge': (ctx, input) => {
    const { db } = ctx.core.store;
    const a = requireAgency(db);
    if (input.version !== a.policyVersion) {
      throw new CanvassError('conflict', `The policy changed (now version ${a.policyVersion}); read it again.`);
    }
    const id = actorOf(ctx).user.id;
    acknowledgePolicy(db, ctx.core.clock, id, a.policyVersion);
    ctx.auditDetail = `acknowledged policy version ${a.policyVersion}`;
    return buildMe(ctx.core, getUser(db, id), ctx.origin);
  },
};
