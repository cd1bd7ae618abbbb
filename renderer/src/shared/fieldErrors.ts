// Per-field messages from an api error's details, so forms can show each next to its field.
// The core uses two shapes: zod issues ({ issues: [{ path, message }] }) and { field }.
/**
 * zod's default wording ("Too small: expected string to have >=1 characters") in words for the
 * member; the core's own messages pass unchanged.
 */
export function humanIssue(message: string): string {
  let m = /^Too small: expected string to have >=(\d+) characters?$/.exec(message);
  if (m) return m[1] === '1' ? 'Required.' : `At least ${m[1]} characters.`;
  m = /^Too big: expected string to have <=(\d+) characters?$/.exec(message);
  if (m) return `At most ${m[1]} characters.`;
  m = /^Too small: expected number to be >=?(\S+)$/.exec(message);
  if (m) return `At least ${m[1]}.`;
  m = /^Too big: expected number to be <=?(\S+)$/.exec(message);
  if (m) return `At most ${m[1]}.`;
  m = /^Too small: expected array to have >=(\d+) items?$/.exec(message);
  if (m) return m[1] === '1' ? 'Choose at least one.' : `Choose at least ${m[1]}.`;
  m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (m) return m[2] === 'undefined' || m[2] === 'null' ? 'Required.' : `Expected a ${m[1]}.`;
  return message;
}

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
        if (typeof m === 'string' && !(key in out)) out[key] = humanIssue(m);
      }
    }
  }
  if (typeof d.field === 'string' && !(d.field in out)) out[d.field] = message;
  return out;
}
