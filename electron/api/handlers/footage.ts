// Handlers of the footage domain (issue 5), one per command in ../commands/footage. An import
// is queued and started in the background; the call returns the queued job at once and the
// job's progress arrives as `job.progress` / `job.finished` events.
import type { Core } from '../../core/app';
import { enqueueFootage } from '../../core/footage/enqueue';
import { footageRunner } from '../../core/footage/job';
import { updateSource } from '../../core/footage/sources';
import { getJob, listJobs, recoverOrphans, requestCancel, requeue } from '../../core/jobs/queue';
import { kick } from '../../core/jobs/runner';
import type { footageCommands } from '../commands/footage';
import { actorOf, type HandlerMap } from './context';

/** Starts the queue in the background; failures end up on the job rows and as events. */
export function startJobs(core: Core): void {
  kick(core, { footage: footageRunner() }).catch((e: unknown) =>
    core.events.emit('event', { type: 'job.error', payload: { message: e instanceof Error ? e.message : String(e) } }),
  );
}

export const footageHandlers: HandlerMap<keyof typeof footageCommands> = {
  'footage.import': (ctx, input) => {
    const { db } = ctx.core.store;
    const user = actorOf(ctx).user;
    const id = enqueueFootage(db, ctx.core.clock, input, user.id);
    const job = getJob(db, id);
    ctx.auditDetail = `footage job #${id}: ${job.files.length} file(s) from ${input.paths.join(', ').slice(0, 300)}; source "${job.params.source.name}"`;
    startJobs(ctx.core);
    return job;
  },
  'jobs.list': ({ core }, input) => {
    recoverOrphans(core.store.db, core.clock);
    return listJobs(core.store.db, input.limit, input.active);
  },
  'jobs.get': ({ core }, input) => {
    recoverOrphans(core.store.db, core.clock);
    return getJob(core.store.db, input.id);
  },
  'jobs.cancel': (ctx, input) => {
    requestCancel(ctx.core.store.db, ctx.core.clock, input.id);
    ctx.auditDetail = `cancel requested for job #${input.id}`;
    return getJob(ctx.core.store.db, input.id);
  },
  'jobs.resume': (ctx, input) => {
    requeue(ctx.core.store.db, ctx.core.clock, input.id);
    ctx.auditDetail = `job #${input.id} resumed from its checkpoints`;
    startJobs(ctx.core);
    return getJob(ctx.core.store.db, input.id);
  },
  'sources.update': (ctx, input) => {
    const s = updateSource(ctx.core.store.db, ctx.core.clock, input, actorOf(ctx).user.id);
    ctx.auditDetail = `source #${s.id} "${s.name}": kind ${s.kind}, position ${s.at ? `${s.at.lat},${s.at.lon}` : 'none'}, clock offset ${s.clockOffsetSeconds} s`;
    return s;
  },
};
