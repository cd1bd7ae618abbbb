// Audit log filters and their translation into audit.list input (local times → UTC ISO,
// blanks left out, page → offset). Pure, for tests.
import { localToIso } from '../reads/filters';

export type Outcome = 'ok' | 'denied' | 'invalid' | 'error';

export interface AuditFilterDraft {
  username: string;
  command: string | null;
  caseNumber: string;
  outcome: Outcome | null;
  from: string | null;
  to: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** Draft → audit.list input: blanks left out, local times to UTC ISO. */
export function toAuditQuery(d: AuditFilterDraft, page: number) {
  const from = localToIso(d.from);
  const to = localToIso(d.to);
  return {
    ...(d.username.trim() ? { username: d.username.trim() } : {}),
    ...(d.command ? { command: d.command } : {}),
    ...(d.caseNumber.trim() ? { caseNumber: d.caseNumber.trim() } : {}),
    ...(d.outcome ? { outcome: d.outcome } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    offset: (page - 1) * AUDIT_PAGE_SIZE,
    limit: AUDIT_PAGE_SIZE,
  };
}
