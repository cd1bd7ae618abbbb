// Page-object helpers for the Canvass renderer: each step drives the UI the way an analyst
// would and waits on the app's own readiness signals (data-canvass-ready, data-total,
// data-points), never on fixed sleeps (STYLE 11).
import type { Page } from 'playwright-core';
import { waitForPhase } from './browser';

export const ADMIN = { username: 'ada', displayName: 'Ada Admin', password: 'correct-horse-9!' };
export const AGENCY = { name: 'Example Police Department', ori: 'CA0190000' };
export const POLICY =
  'Example PD ALPR usage and privacy policy. ALPR data is for official law-enforcement use only; every query is logged.';

export async function firstRunSetup(page: Page): Promise<void> {
  await waitForPhase(page, 'setup');
  await page.fill('[data-testid=setup-agency-name]', AGENCY.name);
  await page.fill('[data-testid=setup-ori]', AGENCY.ori);
  await page.fill('[data-testid=setup-policy]', POLICY);
  await page.fill('[data-testid=setup-username]', ADMIN.username);
  await page.fill('[data-testid=setup-display-name]', ADMIN.displayName);
  await page.fill('[data-testid=setup-password]', ADMIN.password);
  await page.fill('[data-testid=setup-confirm]', ADMIN.password);
  await page.click('[data-testid=setup-submit]');
}

/** Acknowledges the policy (R15); `next` is the screen that should follow. */
export async function acknowledgePolicy(page: Page, next: 'app' | 'password' = 'app'): Promise<void> {
  await waitForPhase(page, 'policy');
  await page.waitForSelector('[data-testid=policy-text]');
  await page.click('[data-testid=policy-ack]');
  await waitForPhase(page, next);
}

export async function go(
  page: Page,
  nav: 'canvass' | 'reads' | 'map' | 'import' | 'footage' | 'audit' | 'admin',
): Promise<void> {
  await page.click(`[data-testid=nav-${nav}]`);
  await page.waitForSelector(`body[data-canvass-page="${nav}"]`);
}

/** Records current training for the signed-in administrator (their own record, R2). */
export async function addOwnTraining(page: Page, course = 'ALPR operator training'): Promise<void> {
  await go(page, 'admin');
  await page.click('[data-testid=admin-tab-training]');
  await page.waitForSelector('[data-testid=training-form]');
  await page.fill('[data-testid=training-course]', course);
  await page.click('[data-testid=training-add]');
  await page.waitForSelector(`[data-testid=training-row]:has-text("${course}")`);
}

export async function importFile(page: Page, file: string, formatLabel: string): Promise<number> {
  await go(page, 'import');
  await page.setInputFiles('[data-testid=import-file]', file);
  await page.getByText(formatLabel, { exact: true }).click();
  await page.click('[data-testid=import-run]');
  const imported = await page.waitForSelector('[data-testid=import-rows-imported]', { timeout: 180_000 });
  return Number(await imported.getAttribute('data-value'));
}

export async function giveAccess(page: Page, purpose: string, caseNumber: string): Promise<void> {
  await page.waitForSelector('[data-testid=access-form]');
  await page.click('[data-testid=access-purpose]');
  await page.getByRole('option', { name: purpose, exact: true }).click();
  await page.fill('[data-testid=access-case]', caseNumber);
  await page.click('[data-testid=access-submit]');
}

/** Waits until the reads table knows its total; returns it. */
export async function readsTotal(page: Page): Promise<number> {
  const handle = await page.waitForSelector('[data-testid=reads-table]:not([data-total=""])', {
    timeout: 60_000,
  });
  return Number(await handle.getAttribute('data-total'));
}

export async function signOut(page: Page): Promise<void> {
  await page.click('[data-testid=account-menu]');
  await page.click('[data-testid=menu-sign-out]');
  await waitForPhase(page, 'signin');
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await waitForPhase(page, 'signin');
  await page.fill('[data-testid=signin-username]', username);
  await page.fill('[data-testid=signin-password]', password);
  await page.click('[data-testid=signin-submit]');
}

export async function unlock(page: Page, password: string): Promise<void> {
  await waitForPhase(page, 'locked');
  await page.fill('[data-testid=unlock-password]', password);
  await page.click('[data-testid=unlock-submit]');
  await waitForPhase(page, 'app');
}

/** Creates a member from Admin → Users with a temporary password. */
export async function createMember(
  page: Page,
  m: { username: string; displayName: string; role: string; password: string },
) {
  await go(page, 'admin');
  await page.click('[data-testid=admin-tab-users]');
  await page.click('[data-testid=new-user]');
  await page.fill('[data-testid=new-user-username]', m.username);
  await page.fill('[data-testid=new-user-display-name]', m.displayName);
  await page.click('[data-testid=new-user-role]');
  await page.getByRole('option', { name: m.role, exact: true }).click();
  await page.fill('[data-testid=new-user-password]', m.password);
  await page.click('[data-testid=new-user-submit]');
  await page.waitForSelector(`[data-testid=user-row][data-username="${m.username}"]`);
}
