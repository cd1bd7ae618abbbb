// Handlers for agency settings, members and training records (R2, R15).
import { requireAgency, updateAgency } from '../../core/agency/profile';
import { endUserSessions } from '../../core/auth/sessions';
import { addTraining, listTraining, trainingValidUntil } from '../../core/auth/training';
import { createUser, getUser, listUsers, setPassword, unlockAccount, updateUser } from '../../core/auth/users';
import { CanvassError } from '../../core/errors';
import { actorOf, type HandlerMap } from './context';

export const adminHandlers: HandlerMap<
  | 'agency.get'
  | 'agency.update'
  | 'users.list'
  | 'users.create'
  | 'users.update'
  | 'users.resetPassword'
  | 'users.unlock'
  | 'training.list'
  | 'training.members'
  | 'training.add'
> = {
  'agency.get': ({ core }) => requireAgency(core.store.db),
  'agency.update': (ctx, input) => {
    const { settings, ...rest } = input;
    const before = requireAgency(ctx.core.store.db);
    const after = updateAgency(ctx.core.store.db, ctx.core.clock, { ...rest, ...(settings ? { settings } : {}) });
    if (after.policyVersion !== before.policyVersion) {
      ctx.auditDetail = `policy changed to version ${after.policyVersion}; all members must acknowledge again`;
    }
    return after;
  },
  'users.list': ({ core }) =>
    listUsers(core.store.db).map((u) => ({ ...u, trainingValidUntil: trainingValidUntil(core.store.db, u.id) })),
  'users.create': (ctx, input) => {
    const u = createUser(ctx.core.store.db, ctx.core.clock, { ...input, mustChangePassword: true });
    ctx.auditDetail = `created ${u.username} as ${u.role}`;
    return u;
  },
  'users.update': (ctx, input) => {
    const me = actorOf(ctx).user;
    if (input.id === me.id && (input.disabled || (input.role && input.role !== 'administrator'))) {
      throw new CanvassError('conflict', 'You cannot disable or demote your own administrator account.');
    }
    const before = getUser(ctx.core.store.db, input.id);
    const u = updateUser(ctx.core.store.db, ctx.core.clock, input.id, input);
    if (u.disabled) endUserSessions(ctx.core.store.db, ctx.core.clock, u.id);
    ctx.auditDetail = `${u.username}: role ${before.role}→${u.role}, disabled ${before.disabled}→${u.disabled}`;
    return u;
  },
  'users.resetPassword': (ctx, input) => {
    setPassword(ctx.core.store.db, ctx.core.clock, input.id, input.password, true);
    endUserSessions(ctx.core.store.db, ctx.core.clock, input.id);
    return { ok: true };
  },
  'users.unlock': (ctx, input) => {
    getUser(ctx.core.store.db, input.id);
    unlockAccount(ctx.core.store.db, input.id);
    return { ok: true };
  },
  'training.list': ({ core }, input) => listTraining(core.store.db, input.userId),
  'training.members': ({ core }) =>
    listUsers(core.store.db).map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      disabled: u.disabled,
      trainingValidUntil: trainingValidUntil(core.store.db, u.id),
    })),
  'training.add': (ctx, input) => {
    getUser(ctx.core.store.db, input.userId);
    return addTraining(ctx.core.store.db, ctx.core.clock, { ...input, recordedBy: actorOf(ctx).user.id });
  },
};
