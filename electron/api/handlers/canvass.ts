// Handlers of the canvass domain (issue 4), one per command in ../commands/canvass. They only
// translate between the api shapes and the engine in core/canvass; the dispatcher has already
// checked the session, permission, purpose and case, and writes the audit record.
import { commonLink, convoy, frequentVisitors, locate } from '../../core/canvass/analyses';
import { addReadsToCase, createCase, getCase, listCases } from '../../core/canvass/cases';
import { canvassSearch } from '../../core/canvass/search';
import { createWatch, getWatch, listAlerts, listWatches, setWatchActive } from '../../core/canvass/watches';
import { CanvassError } from '../../core/errors';
import type { canvassCommands } from '../commands/canvass';
import { actorOf, type HandlerMap } from './context';

export const canvassHandlers: HandlerMap<keyof typeof canvassCommands> = {
  'canvass.search': (ctx, input) => {
    const { access: _a, area, from, to, scenes, ...rest } = input;
    if (scenes?.length && (area || from || to)) {
      throw new CanvassError(
        'invalid_input',
        'Give either one area/time window or a list of scenes, not both.',
        { field: 'scenes' },
      );
    }
    const inline =
      area || from || to
        ? [{ ...(area ? { area } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) }]
        : [];
    const r = canvassSearch(ctx.core.store.db, { ...rest, scenes: scenes?.length ? scenes : inline });
    ctx.auditDetail = `${r.total} plate(s) matched ${r.pattern}${r.tolerant ? ' (misread-tolerant)' : ''}; ${r.results.length} shown`;
    return r;
  },
  'canvass.commonLink': ({ core }, input) => commonLink(core.store.db, input),
  'canvass.convoy': ({ core }, input) => convoy(core.store.db, { ...input, windowS: input.windowSeconds }),
  'canvass.frequentVisitors': ({ core }, input) => frequentVisitors(core.store.db, input),
  'canvass.locate': ({ core }, input) => locate(core.store.db, input),

  'watches.create': (ctx, input) => {
    const access = ctx.access!;
    const w = createWatch(ctx.core.store.db, ctx.core.clock, {
      pattern: input.pattern,
      tolerant: input.tolerant,
      description: input.description,
      caseNumber: access.caseNumber,
      purpose: access.purpose,
      userId: actorOf(ctx).user.id,
    });
    ctx.auditDetail = `watch #${w.id} on ${w.pattern}${w.tolerant ? ' (misread-tolerant)' : ''}`;
    return w;
  },
  'watches.list': ({ core }, input) => listWatches(core.store.db, input),
  'watches.setActive': (ctx, input) => {
    const w = setWatchActive(ctx.core.store.db, ctx.core.clock, input.id, input.active);
    ctx.auditDetail = `watch #${w.id} ${w.active ? 'activated' : 'deactivated'}`;
    return w;
  },
  'watches.alerts': ({ core }, input) => {
    if (input.watchId) getWatch(core.store.db, input.watchId);
    return listAlerts(core.store.db, input);
  },

  'cases.create': (ctx, input) => {
    const c = createCase(ctx.core.store.db, ctx.core.clock, { ...input, userId: actorOf(ctx).user.id });
    ctx.auditDetail = `case ${c.number} created`;
    return c;
  },
  'cases.list': ({ core }) => listCases(core.store.db),
  'cases.get': ({ core }, input) => getCase(core.store.db, input.id).detail(),
  'cases.addReads': (ctx, input) => {
    const { db } = ctx.core.store;
    const added = addReadsToCase(
      db,
      ctx.core.clock,
      input.caseId,
      input.readIds,
      input.note ?? null,
      actorOf(ctx).user.id,
    );
    const total = getCase(db, input.caseId).case.reads;
    ctx.auditDetail = `${added} read(s) added to case #${input.caseId}`;
    return { added, total };
  },
};
