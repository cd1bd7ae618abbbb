// Every command's handler, keyed by command name. The type makes a missing or extra handler a
// compile error; the dispatcher is the only caller.
import type { CommandName } from '../contract';
import { adminHandlers } from './admin';
import { auditHandlers } from './audit';
import { authHandlers } from './auth';
import type { HandlerMap } from './context';
import { readsHandlers } from './reads';
import { canvassHandlers } from './canvass';
import { footageHandlers } from './footage';

export type { HandlerContext } from './context';

export const handlers: HandlerMap<CommandName> = {
  ...authHandlers,
  ...adminHandlers,
  ...readsHandlers,
  ...auditHandlers,
  ...canvassHandlers,
  ...footageHandlers,
};
