import { expect, test as base, type Page } from '@playwright/test';

/** Problems a page showed while a test ran: console errors, uncaught errors, foreign requests. */
export interface PageProblems {
  consoleErrors: string[];
  foreignRequests: string[];
}

/**
 * The test fixture: every page records console errors and requests to any host but the
 * site's own, and each test ends by checking that there were none.
 */
export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page, baseURL }, use) => {
    const problems: PageProblems = { consoleErrors: [], foreignRequests: [] };
    const origin = new URL(baseURL!).origin;
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => problems.consoleErrors.push(err.message));
    page.context().on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.foreignRequests.push(url);
    });
    await use(problems);
    expect(problems.foreignRequests, 'requests to other hosts').toEqual([]);
  },
});

export { expect };

/** The widget element with this custom-element tag on the page. */
export function widget(page: Page, tag: string) {
  return page.locator(tag).first();
}
