// The analyst's main journey through the browser host, from an empty workstation to a
// verified audit trail: first-run setup → policy acknowledgment (R15) → own training (R2) →
// import of the real Seattle week → purpose and case before any data (R1) → table and map →
// the search shows up in the audit log with its case number (R3) → the chain verifies (R4).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  acknowledgePolicy,
  addOwnTraining,
  firstRunSetup,
  giveAccess,
  go,
  importFile,
  readsTotal,
  signOut,
} from './support/app';
import { bridgeCall, withScreenshot } from './support/browser';
import type { RunningHost } from './support/host';
import { withHostAndPage } from './support/session';
import { SEATTLE_WEEK } from '../support/shared-data';

const PURPOSE = 'Crime Analysis';
const CASE = '26-004711';

describe('analyst journey in the browser host', () => {
  let host: RunningHost;
  let page: Page;
  /** Every URL the page asked for: offline first means none of them leaves the workstation. */
  const requests: string[] = [];
  /** Uncaught exceptions in the page: there should be none along the whole journey. */
  const pageErrors: string[] = [];

  withHostAndPage({ viewport: { width: 1400, height: 900 } }, (h, p) => {
    host = h;
    page = p;
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  const step = <T>(name: string, fn: () => Promise<T>) => withScreenshot(page, `journey-${name}`, fn);

  it('sets up, imports the Seattle week, searches with purpose and case, and audits it', async () => {
    await step('setup', async () => {
      await page.goto(host.url);
      await firstRunSetup(page);
      await acknowledgePolicy(page);
    });

    await step('training-gate', async () => {
      // Without training the reads page explains R2 instead of showing data.
      await go(page, 'reads');
      await page.waitForSelector('[data-testid=training-required]');
      await addOwnTraining(page);
    });

    const imported = await step('import', () => importFile(page, SEATTLE_WEEK(), 'Seattle PD export'));
    expect(imported).toBeGreaterThan(90_000);

    const total = await step('reads', async () => {
      await go(page, 'reads');
      // R1: nothing but the prompt until purpose and case are given.
      await page.waitForSelector('[data-testid=access-prompt]');
      expect(await page.locator('[data-testid=read-row]').count()).toBe(0);
      await giveAccess(page, PURPOSE, CASE);
      const n = await readsTotal(page);
      await page.waitForSelector('[data-testid=read-row]');
      await expect.poll(() => page.locator('[data-testid=access-chip]').innerText()).toContain(CASE);
      return n;
    });
    expect(total).toBe(imported);

    await step('detail', async () => {
      await page.locator('[data-testid=read-row]').first().click();
      const detail = await page.waitForSelector('[data-testid=read-detail]');
      expect(await detail.innerText()).toMatch(/hashed/i);
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=read-detail]', { state: 'detached' });
    });

    await step('scroll', async () => {
      // Deep into the result: the page there is fetched on demand and rows render.
      await page
        .locator('[data-testid=reads-table]')
        .evaluate((el: { scrollHeight: number; scrollTo(o: { top: number }): void }) =>
          el.scrollTo({ top: el.scrollHeight / 2 }),
        );
      // (Polled from here: the page's CSP forbids the eval that a string waitForFunction needs.)
      await expect
        .poll(
          () =>
            page
              .locator('[data-testid=read-row]')
              .evaluateAll((rows: { getAttribute(n: string): string | null }[]) =>
                Math.max(0, ...rows.map((r) => Number(r.getAttribute('data-index')))),
              ),
          { timeout: 30_000 },
        )
        .toBeGreaterThan(40_000);
    });

    await step('sort', async () => {
      await page.click('[data-testid=sort-plate]');
      expect(await readsTotal(page)).toBe(total);
      await page.waitForSelector('[data-testid=read-row]');
    });

    await step('bad-filter', async () => {
      // A refused filter is explained next to its field, and Reset brings the reads back.
      await page.fill('[data-testid=filter-plate]', 'AB%1');
      await page.click('[data-testid=filter-apply]');
      const msg = page.locator('[data-testid=reads-filters] .mantine-InputWrapper-error');
      await expect.poll(() => msg.innerText()).toMatch(/position 3/);
      await page.click('[data-testid=filter-reset]');
      expect(await readsTotal(page)).toBe(total);
      expect(await msg.count()).toBe(0);
    });

    await step('map', async () => {
      await go(page, 'map');
      const map = await page.waitForSelector('[data-testid=map][data-points]', { timeout: 60_000 });
      expect(Number(await map.getAttribute('data-points'))).toBeGreaterThan(0);
      // 93k points are clustered off the main thread.
      expect(await map.getAttribute('data-cluster-source')).toBe('worker');
      await page.waitForSelector('[data-testid=map] .canvass-cluster');
    });

    await step('audit', async () => {
      await go(page, 'audit');
      await page.fill('[data-testid=audit-filter-case]', CASE);
      await page.click('[data-testid=audit-filter-apply]');
      const row = await page.waitForSelector(
        `[data-testid=audit-row][data-command="reads.search"][data-case="${CASE}"]`,
      );
      expect(await row.innerText()).toContain(PURPOSE);
      await page.click('[data-testid=audit-verify]');
      const result = await page.waitForSelector('[data-testid=audit-verify-result]');
      expect(await result.getAttribute('data-ok')).toBe('true');
    });

    await step('offline', async () => {
      // No fonts, CDNs or tiles from elsewhere: with tiles kind 'none' nothing leaves 127.0.0.1.
      const origin = new URL(host.url).origin;
      const outside = requests.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u));
      expect(outside).toEqual([]);
      expect(requests.length).toBeGreaterThan(10);
      expect(pageErrors).toEqual([]);
    });

    await step('sign-out', async () => {
      await signOut(page);
      const refused = await bridgeCall(page, 'reads.sources', {});
      expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    });
  });
});
