// The one door: every call from either shell or the CLI goes session → permission →
// validation → policy gates → handler → audit. Handlers are reachable only through here, so
// none can skip the audit (R1, R3). Refusals and failures are audited too.
import type { z } from 'zod';
import type { Core } from '../core/app';
import { getAgency } from '../core/agency/profile';
import { appendAudit, type AuditOutcome } from '../core/audit/log';
import { hasCurrentTraining } from '../core/auth/training';
import { getUser, type User } from '../core/auth/users';
import { resolveSession, touchSession } from '../core/auth/sessions';
import { CanvassError, isCanvassError } from '../core/errors';
import { commands, isCommandName, type Access, type CommandName, type CommandSpec } from './contract';
import { handlers, type HandlerContext } from './handlers';
import { can } from './roles';
import type { ApiResponse } from './types';

export interface CallContext {
  /** Session token held by the shell's client; absent before sign-in. */
  token?: string | undefined;
  /** Where the call came from, for the audit record. */
  origin: 'electron' | 'browser' | 'cli' | 'test';
}

interface Actor {
  user: User;
  token: string;
  locked: boolean;
}

export class Dispatcher {
  constructor(readonly core: Core) {}

  async call(name: string, rawInput: unknown, ctx: CallContext): Promise<ApiResponse<unknown>> {
    const { db } = this.core.store;
    if (!isCommandName(name)) {
      this.audit(null, String(name).slice(0, 64), 'quiet', 'denied', { detail: 'unknown command' });
      return fail(new CanvassError('unknown_command', `There is no command named "${String(name).slice(0, 64)}".`));
    }
    const spec = commands[name] as unknown as CommandSpec;
    let actor: Actor | null = null;
    let access: Access | undefined;
    let query: unknown;
    try {
      // 1. session
      if (spec.gate !== 'public') {
        if (!ctx.token) throw new CanvassError('unauthenticated', 'Sign in first.');
        const agency = getAgency(db);
        const idleMs = (agency?.settings.idleLockMinutes ?? 30) * 60_000;
        const s = resolveSession(db, this.core.clock, ctx.token, idleMs);
        actor = { user: getUser(db, s.userId), token: ctx.token, locked: s.locked };
        if (actor.user.disabled) throw new CanvassError('unauthenticated', 'This account is disabled.');
        if (actor.locked && !spec.minimal) {
          throw new CanvassError('session_locked', 'The session is locked after inactivity. Enter your password to continue.');
        }
      }
      // 2. permission
      if (spec.gate !== 'public' && spec.gate !== 'signed-in' && !can(actor!.user.role, spec.gate)) {
        throw new CanvassError('forbidden', `Your role (${actor!.user.role}) may not use ${name}.`);
      }
      // 3. validation
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        query = redact(rawInput, spec.secret);
        throw new CanvassError('invalid_input', describeIssues(parsed.error), {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      const input = parsed.data as Record<string, unknown>;
      access = input.access as Access | undefined;
      query = redact(input, [...(spec.secret ?? []), 'access']);
      // 4. policy gates for a signed-in member
      if (actor) this.gates(name, spec, actor, access);
      if (actor && !actor.locked) touchSession(db, this.core.clock, actor.token);
      // 5. the handler
      const hctx: HandlerContext = { core: this.core, actor: actor ? { user: actor.user, token: actor.token } : null, access, origin: ctx.origin };
      const handler = handlers[name] as (c: HandlerContext, i: unknown) => unknown;
      const result = await handler(hctx, input);
      const auditActor = actor?.user ?? hctx.newActor ?? null;
      if (spec.audit !== 'quiet') {
        this.audit(auditActor, name, spec.audit, 'ok', { access, query, resultCount: countOf(result), detail: hctx.auditDetail });
      }
      return { ok: true, result };
    } catch (e) {
      const err = isCanvassError(e) ? e : new CanvassError('internal', e instanceof Error ? e.message : String(e));
      const outcome: AuditOutcome =
        err.code === 'invalid_input' || err.code === 'purpose_required'
          ? 'invalid'
          : isCanvassError(e) && err.code !== 'import_failed' && err.code !== 'internal' && err.code !== 'not_found' && err.code !== 'conflict'
            ? 'denied'
            : 'error';
      this.audit(actor?.user ?? null, name, spec.audit, outcome, { access, query, detail: `${err.code}: ${err.message}` });
      if (!isCanvassError(e)) return fail(new CanvassError('internal', `${name} failed: ${err.message}`));
      return fail(err);
    }
  }

  private gates(name: CommandName, spec: CommandSpec, actor: Actor, access: Access | undefined): void {
    const { db } = this.core.store;
    if (spec.minimal) return;
    const agency = getAgency(db);
    if (actor.user.mustChangePassword) {
      throw new CanvassError('forbidden', 'Change your temporary password before going on.');
    }
    if (agency && actor.user.policyAckVersion < agency.policyVersion) {
      throw new CanvassError('policy_ack_required', 'Read and acknowledge the agency ALPR policy first (R15).');
    }
    if (!spec.alpr) return;
    if (agency?.settings.requireTotp && !actor.user.totpEnabled) {
      throw new CanvassError('totp_required', 'Your agency requires two-factor sign-in: enrol an authenticator first.');
    }
    if (!hasCurrentTraining(db, this.core.clock, actor.user.id)) {
      throw new CanvassError('training_required', 'ALPR data needs current ALPR training on record (R2). Ask your administrator.');
    }
    if (!access) throw new CanvassError('purpose_required', `${name} needs a purpose and a case or incident number (R1).`);
    if (agency && !agency.purposes.includes(access.purpose)) {
      throw new CanvassError('purpose_required', `"${access.purpose}" is not one of the agency's authorized purposes.`, {
        field: 'access.purpose',
      });
    }
  }

  private audit(
    user: User | null,
    command: string,
    auditClass: string,
    outcome: AuditOutcome,
    extra: { access?: Access | undefined; query?: unknown; resultCount?: number | null; detail?: string | undefined },
  ): void {
    appendAudit(this.core.store.db, this.core.clock, {
      userId: user?.id ?? null,
      username: user?.username ?? null,
      role: user?.role ?? null,
      command,
      auditClass,
      purpose: extra.access?.purpose ?? null,
      caseNumber: extra.access?.caseNumber ?? null,
      query: extra.query,
      outcome,
      resultCount: extra.resultCount ?? null,
      detail: extra.detail ?? null,
    });
  }
}

function fail(e: CanvassError): ApiResponse<never> {
  return { ok: false, error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } };
}

function describeIssues(err: z.ZodError): string {
  const parts = err.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`);
  return `Invalid input — ${parts.join('; ')}${err.issues.length > 5 ? ` (and ${err.issues.length - 5} more)` : ''}`;
}

/** Drops secret fields (dotted paths) so passwords and file contents never reach the log. */
function redact(input: unknown, secret: readonly string[] | undefined): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const path of secret ?? []) {
    const [head, ...rest] = path.split('.');
    if (!head || !(head in out)) continue;
    if (rest.length === 0) delete out[head];
    else out[head] = redact(out[head], [rest.join('.')]);
  }
  return out;
}

/** The result count for the audit record (Monrovia 463.5(b)). */
function countOf(result: unknown): number | null {
  if (Array.isArray(result)) return result.length;
  if (result && typeof result === 'object') {
    const r = result as Record<string, unknown>;
    if (typeof r.total === 'number') return r.total;
    if (typeof r.rowsImported === 'number') return r.rowsImported;
    if (Array.isArray(r.results)) return r.results.length;
  }
  return null;
}
