// Defaults offered on the first-run form: the api's default purposes (Monrovia 463.2, R1),
// the very list the core uses; the form leaves them editable because agencies differ.
export { DEFAULT_PURPOSES } from '../../../electron/api/spec';

/** One purpose per line in the textarea; blank lines dropped. */
export function parsePurposes(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
