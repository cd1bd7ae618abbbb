// Defaults offered on the first-run form. The purposes mirror the core's default list
// (Monrovia 463.2, R1); the form leaves them editable because agencies differ.
export const DEFAULT_PURPOSES: readonly string[] = [
  'Investigation for prosecution or exoneration of suspected criminal (including terrorist) incidents',
  'Identification and/or location of wanted persons',
  'Enforcement of sanctions, orders, or sentences',
  'Crime prevention/general law enforcement purposes',
  'Crime Analysis',
  'Investigatory leads in subsequent investigations',
];

/** One purpose per line in the textarea; blank lines dropped. */
export function parsePurposes(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
