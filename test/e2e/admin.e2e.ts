// Member administration through the UI (R2, R3): change a role, reset a password, disable
// and enable an account, and unlock one that locked itself after five wrong passwords.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN, acknowledgePolicy, createMember, firstRunSetup, go, signIn, signOut } from './support/app';
import { waitForPhase, withScreenshot } from './support/browser';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';

const DORA = {
  username: 'dora',
  displayName: 'Dora Dispatcher',
  role: 'dispatcher',
  password: 'temporary-pass-1',
};
const RESET = 'second-temp-pass-2';

describe('member administration', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({ viewport: { width: 1400, height: 900 } }, (h, p) => {
    host = h;
    page = p;
  });

  const step = <T>(name: string, fn: () => Promise<T>) => withScreenshot(page, `admin-${name}`, fn);

  const row = () => page.locator(`[data-testid=user-row][data-username="${DORA.username}"]`);

  async function rowAction(label: string): Promise<void> {
    await row().getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: label, exact: true }).click();
  }

  async function asAdmin(): Promise<void> {
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForPhase(page, 'app');
    await go(page, 'admin');
    await row().waitFor();
  }

  it('changes a role, resets a password, disables, enables and unlocks a member', async () => {
    await step('setup', async () => {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
      await createMember(page, DORA);
    });

    await step('role', async () => {
      await row().locator('[data-testid=user-role]').click();
      await page.getByRole('option', { name: 'analyst', exact: true }).click();
      await expect.poll(() => row().locator('[data-testid=user-role]').inputValue()).toBe('analyst');
    });

    await step('reset-password', async () => {
      await rowAction('Reset password…');
      await page.fill('[data-testid=reset-password]', RESET);
      await page.click('[data-testid=reset-password-submit]');
      await page.waitForSelector('[data-testid=reset-password]', { state: 'detached' });
    });

    await step('disable', async () => {
      await rowAction('Disable');
      await row().locator('text=disabled').waitFor();
      await signOut(page);
      await signIn(page, DORA.username, RESET);
      expect(await page.innerText('[data-testid=signin-error]')).toMatch(/disabled/i);
    });

    await step('enable', async () => {
      await asAdmin();
      await rowAction('Enable');
      await expect.poll(() => row().locator('text=disabled').count()).toBe(0);
      await signOut(page);
    });

    await step('lockout', async () => {
      // R3: five wrong passwords lock the account, even against the right one afterwards.
      for (let i = 0; i < 5; i++) {
        await signIn(page, DORA.username, `wrong-password-${i}`);
        await page.waitForSelector('[data-testid=signin-error]');
        await page.waitForSelector('[data-testid=signin-submit]:not([data-loading])');
      }
      await signIn(page, DORA.username, RESET);
      await expect.poll(() => page.innerText('[data-testid=signin-error]')).toMatch(/locked/i);
    });

    await step('unlock', async () => {
      await asAdmin();
      await row().locator('text=locked').waitFor();
      await rowAction('Unlock');
      await expect.poll(() => row().locator('text=locked').count()).toBe(0);
      await signOut(page);
      // The reset password is a temporary one: policy, then a password of her own.
      await signIn(page, DORA.username, RESET);
      await acknowledgePolicy(page, 'password');
    });
  });
});
