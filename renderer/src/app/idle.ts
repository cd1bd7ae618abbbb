// R3 idle rule, kept apart from the hook so it can be tested without a browser.
/** True when the member has been idle at least `minutes`. Pure, for tests. */
export function isIdle(lastActivity: number, now: number, minutes: number): boolean {
  return now - lastActivity >= minutes * 60_000;
}
