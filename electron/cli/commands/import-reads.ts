// `canvass import-reads FILE…` — imports read exports from other ALPR systems (seattle, the
// project's own canvass CSV, or any CSV with a column mapping), through the audited api.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { columnMappingSchema, importFormatSchema } from '../../api/contract';
import type { ImportResultDto } from '../../api/types';
import { asMember, CliError, print, run, signIn, type MemberOptions } from '../context';

interface ImportOptions extends MemberOptions {
  format: string;
  mapping?: string;
  mappingFile?: string;
  saveMapping?: string;
  strict?: boolean;
}

export function registerImportReads(program: Command): void {
  asMember(program.command('import-reads <files...>'))
    .description('import read exports (CSV, gzip allowed); reports rows read, imported and rejected')
    .option('--format <format>', 'seattle | canvass | csv', 'canvass')
    .option('--mapping <name>', 'saved column mapping (for --format csv)')
    .option('--mapping-file <file>', 'JSON column mapping (for --format csv)')
    .option('--save-mapping <name>', 'save --mapping-file under this name')
    .option('--strict', 'import nothing if any row is bad')
    .action(
      run<ImportOptions>(async (cli, opts, files) => {
        const format = importFormatSchema.safeParse(opts.format);
        if (!format.success) throw new CliError(`--format must be seattle, canvass or csv (got "${opts.format}").`, 'invalid_input');
        let mapping;
        if (opts.mappingFile) {
          const parsed = columnMappingSchema.safeParse(JSON.parse(readFileSync(opts.mappingFile, 'utf8')));
          if (!parsed.success) {
            throw new CliError(`${opts.mappingFile}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'invalid_input');
          }
          mapping = parsed.data;
        }
        await signIn(cli, opts);
        const results: ImportResultDto[] = [];
        for (const file of files) {
          let bytes: Buffer;
          try {
            bytes = readFileSync(file);
          } catch (e) {
            throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, 'not_found');
          }
          results.push(
            await cli.call('reads.import', {
              format: format.data,
              fileName: basename(file),
              contentBase64: bytes.toString('base64'),
              ...(mapping ? { mapping } : {}),
              ...(opts.mapping ? { mappingName: opts.mapping } : {}),
              ...(opts.saveMapping ? { saveMappingAs: opts.saveMapping } : {}),
              strict: !!opts.strict,
            }),
          );
        }
        const total = {
          rowsRead: results.reduce((n, r) => n + r.rowsRead, 0),
          rowsImported: results.reduce((n, r) => n + r.rowsImported, 0),
          rowsRejected: results.reduce((n, r) => n + r.rowsRejected, 0),
        };
        const json = files.length === 1 ? results[0] : { ...total, files: results };
        print(opts, json, () =>
          results
            .map((r) =>
              r.duplicateOf
                ? `${r.fileName}: already imported (import #${r.duplicateOf}); nothing added.`
                : [
                    `${r.fileName}: ${r.rowsRead} rows read, ${r.rowsImported} imported, ${r.rowsRejected} rejected in ${r.seconds.toFixed(2)} s.`,
                    ...r.rejections.slice(0, 10).map((x) => `  line ${x.line}: ${x.reason}`),
                    ...(r.rowsRejected > 10 ? [`  … and ${r.rowsRejected - 10} more`] : []),
                  ].join('\n'),
            )
            .join('\n'),
        );
      }),
    );
}
