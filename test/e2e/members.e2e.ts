// The session gates a member passes through (R2, R3, R15), driven through the UI: the idle
// lock (by the clock and from the menu, and when any call answers session_locked), a new
// member's first sign-in with a temporary password (policy, then their own password), a
// wrong password, two-factor enrolment and sign-in with a code, a policy change that everyone must acknowledge again, and the training gate that hides ALPR data but not the rest of the app.
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  POLICY,
  acknowledgePolicy,
  createMember,
  firstRunSetup,
  go,
  signIn,
  signOut,
  unlock,
} from './support/app';
import { bridgeCall, waitForPhase, withScreenshot } from './support/browser';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';

const MEMBER = {
  username: 'ivan',
  displayName: 'Ivan Investigator',
  role: 'investigator',
  password: 'temporary-pass-1',
};
const MEMBER_OWN = 'ivans-own-secret-7';

describe('session gates in the browser host', () => {
  let host: RunningHost;
  let page: Page;
  withHostAndPage({ viewport: { width: 1400, height: 900 } }, async (h, p) => {
    host = h;
    page = p;
    // A controllable clock (it still runs on its own) lets the idle lock be tested without waiting.
    await page.clock.install();
  });

  const step = <T>(name: string, fn: () => Promise<T>) => withScreenshot(page, `members-${name}`, fn);

  it('locks on idle, from the menu and on session_locked; a new member goes policy → own password → training gate', async () => {
    await step('setup', async () => {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
    });

    await step('idle-lock', async () => {
      // R3: no input for longer than the agency's idle minutes (default 30) locks the session.
      await page.clock.fastForward('31:00');
      await unlock(page, ADMIN.password);
    });

    await step('menu-lock', async () => {
      await page.click('[data-testid=account-menu]');
      await page.click('[data-testid=menu-lock]');
      await waitForPhase(page, 'locked');
      await page.fill('[data-testid=unlock-password]', 'not-my-password-1');
      await page.click('[data-testid=unlock-submit]');
      await page.waitForSelector('[data-testid=lock-screen] .mantine-Alert-root');
      await unlock(page, ADMIN.password);
    });

    await step('hotkey-lock', async () => {
      await page.keyboard.press('Control+Shift+L');
      await unlock(page, ADMIN.password);
    });

    await step('locked-elsewhere', async () => {
      // The core locked the session (as after its own idle timer): the next call shows the lock screen.
      expect(await bridgeCall(page, 'auth.lock', {})).toMatchObject({ ok: true });
      await go(page, 'audit');
      await unlock(page, ADMIN.password);
    });

    await step('policy-change', async () => {
      // R15: a changed policy is a new version that everyone, the administrator included, acknowledges.
      await go(page, 'admin');
      await page.click('[data-testid=admin-tab-agency]');
      await page.fill('[data-testid=agency-policy]', `${POLICY} Version two adds a retention clause.`);
      await page.waitForSelector('[data-testid=policy-change-warning]');
      await page.click('[data-testid=agency-save]');
      await acknowledgePolicy(page);
    });

    await step('create-member', async () => {
      await createMember(page, MEMBER);
      await signOut(page);
    });

    await step('wrong-password', async () => {
      await signIn(page, MEMBER.username, 'wrong-password-1');
      const err = await page.waitForSelector('[data-testid=signin-error]');
      expect(await err.innerText()).toMatch(/wrong/i);
      expect(await page.isVisible('[data-testid=signin-banner]')).toBe(true);
    });

    await step('first-sign-in', async () => {
      await page.fill('[data-testid=signin-password]', MEMBER.password);
      await page.click('[data-testid=signin-submit]');
      // R15 first, then the temporary password must be replaced (R3).
      await acknowledgePolicy(page, 'password');
      await page.fill('[data-testid=pw-current]', MEMBER.password);
      await page.fill('[data-testid=pw-next]', MEMBER_OWN);
      await page.fill('[data-testid=pw-confirm]', MEMBER_OWN);
      await page.click('[data-testid=pw-submit]');
      await waitForPhase(page, 'app');
    });

    await step('training-gate', async () => {
      // R2: signed in, but no ALPR data without current training; Admin and Audit are not offered.
      await go(page, 'reads');
      await page.waitForSelector('[data-testid=training-required]');
      expect(await page.locator('[data-testid=nav-admin]').count()).toBe(0);
      expect(await page.locator('[data-testid=nav-audit]').count()).toBe(0);
      const refused = await bridgeCall(page, 'reads.search', {
        access: { purpose: 'Crime Analysis', caseNumber: '26-1' },
        filter: {},
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'training_required' } });
    });

    await step('own-password-works', async () => {
      await signOut(page);
      await signIn(page, MEMBER.username, MEMBER_OWN);
      await waitForPhase(page, 'app');
    });

    await step('totp', async () => {
      // R3: enrol an authenticator from the account menu; sign-in then asks for its code.
      await page.click('[data-testid=account-menu]');
      await page.click('[data-testid=menu-totp]');
      await page.click('[data-testid=totp-begin]');
      const secret = (await page.innerText('[data-testid=totp-secret]')).trim();
      const code = () =>
        new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
      await page.fill('[data-testid=totp-code]', code());
      await page.click('[data-testid=totp-confirm]');
      await page.waitForSelector('text=Two-factor sign-in is on');
      await page.keyboard.press('Escape');
      await signOut(page);
      await signIn(page, MEMBER.username, MEMBER_OWN);
      await page.waitForSelector('[data-testid=signin-totp]');
      await page.fill('[data-testid=signin-totp]', code());
      await page.click('[data-testid=signin-submit]');
      await waitForPhase(page, 'app');
    });

    await step('theme', async () => {
      // The light/dark choice is the workstation's and survives a reload (which also ends the session).
      const scheme = () => page.getAttribute('html', 'data-mantine-color-scheme');
      const before = await scheme();
      await page.click('[data-testid=theme-toggle]');
      const after = before === 'dark' ? 'light' : 'dark';
      await expect.poll(scheme).toBe(after);
      await page.reload();
      await waitForPhase(page, 'signin');
      expect(await scheme()).toBe(after);
    });
  });
});
