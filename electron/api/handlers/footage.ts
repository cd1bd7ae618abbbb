// Handlers of the footage domain (issue 5), one per command in ../commands/footage.
import type { footageCommands } from '../commands/footage';
import type { HandlerMap } from './context';

export const footageHandlers: HandlerMap<keyof typeof footageCommands> = {};
