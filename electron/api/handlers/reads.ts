// Handlers for reads: browse, map, detail, sources, and import of other systems' exports.
import { checkWatches } from '../../core/canvass/watches';
import { importReadsCsv } from '../../core/reads/import';
import { readMedia } from '../../core/reads/media';
import { BUILTIN_MAPPINGS, listMappings, loadMapping, saveMapping } from '../../core/reads/mappings';
import { getRead, listSources, mapPoints, searchReads } from '../../core/reads/query';
import { CanvassError } from '../../core/errors';
import { actorOf, type HandlerMap } from './context';

export const readsHandlers: HandlerMap<
  'reads.search' | 'reads.mapPoints' | 'reads.get' | 'reads.media' | 'reads.sources' | 'reads.import' | 'reads.mappings'
> = {
  'reads.search': ({ core }, input) => searchReads(core.store.db, input.filter, input.sort, input.offset, input.limit),
  'reads.mapPoints': ({ core }, input) => mapPoints(core.store.db, input.filter, input.limit),
  'reads.get': ({ core }, input) => getRead(core.store.db, input.id),
  'reads.media': (ctx, input) => {
    const m = readMedia(ctx.core.store.db, ctx.core.store.media, input.id, input.kind);
    ctx.auditDetail = `${input.kind} of read #${input.id}, SHA-256 ${m.sha256}${m.intact ? '' : ' (does NOT match: changed after import)'}`;
    return m;
  },
  'reads.sources': ({ core }) => listSources(core.store.db),
  'reads.mappings': ({ core }) => listMappings(core.store.db),
  'reads.import': (ctx, input) => {
    const { db } = ctx.core.store;
    const mapping =
      input.format === 'csv'
        ? (input.mapping ?? (input.mappingName ? loadMapping(db, input.mappingName) : undefined))
        : BUILTIN_MAPPINGS[input.format];
    if (!mapping) {
      throw new CanvassError('invalid_input', 'A csv import needs a column mapping (mapping or mappingName).', { field: 'mapping' });
    }
    const bytes = Buffer.from(input.contentBase64, 'base64');
    const user = actorOf(ctx).user;
    let ids: number[] = [];
    const result = importReadsCsv(db, ctx.core.clock, bytes, {
      fileName: input.fileName,
      mapping,
      format: input.format,
      userId: user.id,
      strict: input.strict,
      onInserted: (x) => (ids = x),
    });
    if (input.saveMappingAs && input.mapping) saveMapping(db, ctx.core.clock, input.saveMappingAs, input.mapping, user.id);
    ctx.auditDetail = result.duplicateOf
      ? `${input.fileName} (sha256 ${result.sha256}) was already imported as import #${result.duplicateOf}; nothing added`
      : `${input.fileName} sha256 ${result.sha256}: ${result.rowsImported} imported, ${result.rowsRejected} rejected`;
    if (result.importId) {
      // After commit (STYLE 9): match the new reads against saved partial-plate watches (R11).
      const alerts = checkWatches(db, ids, ctx.core.clock);
      ctx.core.events.emit('event', { type: 'reads.imported', payload: { importId: result.importId, watchAlerts: alerts } });
    }
    return result;
  },
};
