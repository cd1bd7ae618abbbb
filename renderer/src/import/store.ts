// Import of read exports (reads.import): the chosen file, format and column mapping, and the
// last result. The file travels base64-encoded through the bridge (gzip stays compressed).
import { create } from 'zustand';
import type { ColumnMapping } from '../../../electron/api/contract';
import type { ImportResultDto } from '../../../electron/api/types';
import { ApiError, call, messageOf } from '../api';
import { useSession } from '../app/sessionStore';
import { EMPTY_MAPPING, toColumnMapping, type MappingDraft } from './mapping';

export { EMPTY_MAPPING, toColumnMapping, type MappingDraft };

export type ImportFormat = 'seattle' | 'canvass' | 'csv';

/** Reads a File as base64 without building a giant intermediate string by hand. */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

interface ImportState {
  file: File | null;
  format: ImportFormat;
  /** For format csv: a saved mapping's name, or null to use the fields below. */
  savedMapping: string | null;
  mapping: MappingDraft;
  saveAs: string;
  busy: boolean;
  result: ImportResultDto | null;
  error: string | null;
  errorRejections: { line: number; reason: string }[];
  fieldErrors: Record<string, string>;
  saved: { name: string; mapping: ColumnMapping }[];
  setFile(file: File | null): void;
  setFormat(format: ImportFormat): void;
  setSavedMapping(name: string | null): void;
  editMapping(patch: Partial<MappingDraft>): void;
  setSaveAs(name: string): void;
  loadMappings(): Promise<void>;
  run(): Promise<void>;
  reset(): void;
}

const INITIAL = {
  file: null,
  format: 'seattle' as ImportFormat,
  savedMapping: null,
  mapping: EMPTY_MAPPING,
  saveAs: '',
  busy: false,
  result: null,
  error: null,
  errorRejections: [],
  fieldErrors: {},
  saved: [],
};

function guessFormat(name: string): ImportFormat | null {
  return /spd|seattle/i.test(name) ? 'seattle' : null;
}

export const useImportStore = create<ImportState>()((set, get) => ({
  ...INITIAL,
  setFile: (file) =>
    set({
      file,
      result: null,
      error: null,
      errorRejections: [],
      ...(file && guessFormat(file.name) ? { format: guessFormat(file.name)! } : {}),
    }),
  setFormat: (format) => set({ format, fieldErrors: {} }),
  setSavedMapping: (savedMapping) => set({ savedMapping }),
  editMapping: (patch) => set({ mapping: { ...get().mapping, ...patch } }),
  setSaveAs: (saveAs) => set({ saveAs }),
  loadMappings: async () => {
    try {
      set({ saved: await call('reads.mappings', {}) });
    } catch {
      // Saved mappings are a convenience; the fields still work without them.
    }
  },
  run: async () => {
    const { file, format, savedMapping, mapping, saveAs } = get();
    if (!file) return set({ error: 'Choose a file first.' });
    set({ busy: true, error: null, result: null, errorRejections: [], fieldErrors: {} });
    try {
      const contentBase64 = await fileToBase64(file);
      const extra =
        format !== 'csv'
          ? {}
          : savedMapping
            ? { mappingName: savedMapping }
            : {
                mapping: toColumnMapping(mapping),
                ...(saveAs.trim() ? { saveMappingAs: saveAs.trim() } : {}),
              };
      const result = await call('reads.import', { format, fileName: file.name, contentBase64, ...extra });
      set({ busy: false, result });
      // A mapping saved with this import is offered by name from now on.
      if ('saveMappingAs' in extra) {
        set({ saveAs: '' });
        await get().loadMappings();
      }
    } catch (e) {
      const rejections =
        e instanceof ApiError &&
        e.details &&
        typeof e.details === 'object' &&
        Array.isArray((e.details as { rejections?: unknown }).rejections)
          ? ((e.details as { rejections: { line: number; reason: string }[] }).rejections ?? [])
          : [];
      const fieldErrors = e instanceof ApiError ? e.fieldErrors() : {};
      // Problems the mapping fields show themselves are not repeated as a list of zod paths.
      const keys = Object.keys(fieldErrors);
      const shown = keys.length > 0 && keys.every((k) => k.startsWith('mapping.'));
      set({
        busy: false,
        error: shown ? 'Check the column fields marked in red; nothing was imported.' : messageOf(e),
        errorRejections: rejections,
        fieldErrors,
      });
    }
  },
  reset: () => set(INITIAL),
}));

useSession.subscribe((s, prev) => {
  if (prev.me && !s.me) useImportStore.getState().reset();
});
