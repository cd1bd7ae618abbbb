// What a handler receives from the dispatcher: the core, the signed-in member (checked),
// the purpose and case (checked, for ALPR commands) and slots to enrich the audit record.
import type { Core } from '../../core/app';
import type { User } from '../../core/auth/users';
import type { Access, CommandName, ParsedInputOf, ResultOf } from '../contract';

export interface HandlerContext {
  core: Core;
  actor: { user: User; token: string } | null;
  access: Access | undefined;
  origin: 'electron' | 'browser' | 'cli' | 'test';
  /** Set by commands that create the member they act as (first-run setup, sign-in). */
  newActor?: User;
  /** Extra words for the audit record. */
  auditDetail?: string;
}

export type Handler<N extends CommandName> = (
  ctx: HandlerContext,
  input: ParsedInputOf<N>,
) => ResultOf<N> | Promise<ResultOf<N>>;

export type HandlerMap<K extends CommandName> = { [N in K]: Handler<N> };

/** The member, for handlers behind a signed-in gate (the dispatcher guarantees it). */
export function actorOf(ctx: HandlerContext) {
  if (!ctx.actor) throw new Error('handler reached without a session');
  return ctx.actor;
}
