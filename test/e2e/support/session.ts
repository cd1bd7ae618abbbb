// One browser host and one Chromium page for a describe block: started before its tests,
// closed after them. `ready` hands them to the block's own variables.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startHost, type RunningHost } from './host';

export function withHostAndPage(
  viewport: { width: number; height: number } | null,
  ready: (host: RunningHost, page: Page) => void,
): void {
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    host = await startHost();
    browser = await launchBrowser();
    ready(host, await browser.newPage(viewport ? { viewport } : {}));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });
}
