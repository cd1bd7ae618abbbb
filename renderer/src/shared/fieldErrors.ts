// Per-field messages from an api error's details, so forms can show each next to its field.
// The core uses two shapes: zod issues ({ issues: [{ path, message }] }) and { field }.
/** Pulls per-field messages out of an error's details (both shapes the core uses). */
export function fieldErrorsOf(details: unknown, message: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!details || typeof details !== 'object') return out;
  const d = details as { issues?: unknown; field?: unknown };
  if (Array.isArray(d.issues)) {
    for (const issue of d.issues) {
      if (issue && typeof issue === 'object') {
        const { path, message: m } = issue as { path?: unknown; message?: unknown };
        const key = typeof path === 'string' ? path : Array.isArray(path) ? path.join('.') : '';
        if (typeof m === 'string' && !(key in out)) out[key] = m;
      }
    }
  }
  if (typeof d.field === 'string' && !(d.field in out)) out[d.field] = message;
  return out;
}
