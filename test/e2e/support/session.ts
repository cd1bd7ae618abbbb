// One browser host and one Chromium page for a describe block: started before its tests,
// closed after them. `ready` hands them to the block's own variables.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startHost, type RunningHost } from './host';

export function withHostAndPage(
  pageOptions: Parameters<Browser['newPage']>[0],
  ready: (host: RunningHost, page: Page) => void | Promise<void>,
): void {
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    host = await startHost();
    browser = await launchBrowser();
    await ready(host, await browser.newPage(pageOptions));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });
}
