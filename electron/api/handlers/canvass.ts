// Handlers of the canvass domain (issue 4), one per command in ../commands/canvass.
import type { canvassCommands } from '../commands/canvass';
import type { HandlerMap } from './context';

export const canvassHandlers: HandlerMap<keyof typeof canvassCommands> = {};
