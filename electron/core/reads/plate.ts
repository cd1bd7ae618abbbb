// Plate text normalization: what the store keeps and what searches compare against.
/** Upper-case, drop spaces, dashes, dots and other separators; keep A-Z and 0-9. */
export function normalizePlate(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Hashed plates (as released in public-records data) are kept exactly as given, lower-case hex. */
export function normalizeHashedPlate(raw: string): string | null {
  const h = raw.trim().toLowerCase();
  return /^[0-9a-f]{16,128}$/.test(h) ? h : null;
}

export const MAX_PLATE_LENGTH = 10;

/** Plate text as exports write it: letters and digits, with spaces, dashes or dots between. */
export function plateTextProblem(raw: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9 .-]*$/.test(raw.trim())) return 'may hold only letters, digits, spaces, dashes and dots';
  return null;
}
