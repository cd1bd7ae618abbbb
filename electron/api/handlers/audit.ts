// Handlers for the audit log viewer and chain verification (R4).
import { listAudit, verifyAudit } from '../../core/audit/log';
import { findUser } from '../../core/auth/users';
import type { HandlerMap } from './context';

export const auditHandlers: HandlerMap<'audit.list' | 'audit.verify'> = {
  'audit.list': ({ core }, input) => {
    const user = input.username ? findUser(core.store.db, input.username) : null;
    if (input.username && !user) return { total: 0, records: [] };
    return listAudit(core.store.db, {
      from: input.from ? Date.parse(input.from) : undefined,
      to: input.to ? Date.parse(input.to) : undefined,
      userId: user?.id,
      command: input.command,
      caseNumber: input.caseNumber,
      outcome: input.outcome,
      limit: input.limit,
      offset: input.offset,
    });
  },
  'audit.verify': ({ core }) => verifyAudit(core.store.db),
};
