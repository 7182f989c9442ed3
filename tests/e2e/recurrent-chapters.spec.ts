import { expect, test } from './fixtures';

/**
 * Chapters 4 and 5 as pages: each loads in both languages with every widget it places, its
 * widgets start without a console error or a request to another host, and a reader can reach its
 * headings and its exercises' answers with the keyboard alone. (What each widget does is tested
 * in its own spec.)
 */
const CHAPTERS = [
  {
    slug: 'rnn',
    prev: 'training-dynamics',
    next: 'lstm-gru',
    widgets: { 'lm-rnn-unrolled': 1, 'lm-recurrent-trainer': 2, 'lm-model-sampler': 1, 'lm-gradient-flow': 1, 'lm-runs': 1 },
  },
  {
    slug: 'lstm-gru',
    prev: 'rnn',
    next: 'attention',
    widgets: { 'lm-gate-strips': 4, 'lm-lstm-units': 1, 'lm-recurrent-trainer': 2, 'lm-model-sampler': 1, 'lm-runs': 1 },
  },
] as const;

const LANGS = [
  { lang: 'en', html: 'en', exercises: 'Exercises', answer: 'Answer' },
  { lang: 'zh-cn', html: 'zh-CN', exercises: '练习', answer: '答案' },
] as const;

/** How long the widgets of a long page may take to load and draw on a busy two-core machine. */
const LOAD_MS = 90_000;

/**
 * When a widget has drawn what it shows before any training: its checkpoint's state, gates or
 * gradient norms, its samples, its idle trainer. Checked on the element, in the page.
 */
const DRAWN: Record<string, string> = {
  'lm-rnn-unrolled': '[data-source="checkpoint"]',
  'lm-gate-strips': '[data-source="checkpoint"]',
  'lm-lstm-units': '[data-source="checkpoint"]',
  'lm-gradient-flow': '[data-measured*="rnn"][data-measured*="lstm"][data-measured*="fresh"]',
  'lm-model-sampler': '[data-samples]',
  'lm-recurrent-trainer': '[data-state="idle"]',
  'lm-runs': '[data-state]',
};

test.describe.configure({ timeout: 4 * LOAD_MS });

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
async function tabTo(page: import('@playwright/test').Page, selector: string, limit = 400): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

for (const { lang } of LANGS) {
  test(`the ${lang} home page links chapters 4 and 5, no longer coming soon`, async ({ page }) => {
    await page.goto(`/${lang}/`);
    for (const { slug } of CHAPTERS) {
      const entry = page.locator('.chapter-list > li', { has: page.locator(`a[href$="/${lang}/${slug}/"]`) });
      await expect(entry).toHaveClass(/\bready\b/);
    }
  });
}

for (const chapter of CHAPTERS) {
  for (const { lang, html, exercises, answer } of LANGS) {
    test.describe(`/${lang}/${chapter.slug}/`, () => {
      test('loads with every widget, each started without a console error or a foreign request', async ({ page, problems }) => {
        await page.goto(`/${lang}/${chapter.slug}/`);
        await expect(page.locator('html')).toHaveAttribute('lang', html);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await expect(page.locator('.katex').first()).toBeVisible();
        for (const [tag, count] of Object.entries(chapter.widgets)) {
          const roots = page.locator(tag);
          await expect(roots, `${tag} on the page`).toHaveCount(count);
          // Widgets load as they come near the viewport: bring each one there, and wait until it
          // has drawn from its checkpoint or shows an error; it must not show one.
          for (let i = 0; i < count; i++) {
            const root = roots.nth(i);
            await root.scrollIntoViewIfNeeded();
            await expect(root.and(page.locator(DRAWN[tag]!)).or(root.locator('.widget-error:visible')), `${tag} #${i + 1} drawn`).toBeVisible({ timeout: LOAD_MS });
            await expect(root.locator('.widget-error'), `${tag} #${i + 1} showing an error`).toBeHidden();
          }
        }
        expect(problems.consoleErrors).toEqual([]);
      });

      test('links to its neighbours in the course', async ({ page }) => {
        await page.goto(`/${lang}/${chapter.slug}/`);
        const nav = page.locator('nav.prev-next');
        await expect(nav.locator('a[rel="prev"]')).toHaveAttribute('href', new RegExp(`/${lang}/${chapter.prev}/$`));
        if (chapter.next) await expect(nav.locator('a[rel="next"]')).toHaveAttribute('href', new RegExp(`/${lang}/${chapter.next}/$`));
        else await expect(nav.locator('a[rel="next"]')).toHaveCount(0);
      });

      test('headings and exercises are reachable with the keyboard', async ({ page }) => {
        await page.goto(`/${lang}/${chapter.slug}/`);
        // The table of contents leads to the exercises' heading.
        const link = page.locator('.toc nav a', { hasText: exercises });
        await expect(link).toHaveCount(1);
        const href = await link.getAttribute('href');
        await tabTo(page, `.toc nav a[href="${href}"]`);
        await page.keyboard.press('Enter');
        await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toBe(href);
        const heading = page.getByRole('heading', { level: 2, name: exercises });
        await expect(heading).toBeInViewport();
        // From there, Tab reaches the first exercise's answer, and Enter opens it.
        const details = page.locator('article > details').first();
        await expect(details).not.toHaveAttribute('open', '');
        await tabTo(page, 'article > details > summary');
        await expect(page.locator(':focus')).toHaveText(answer);
        await page.keyboard.press('Enter');
        await expect(details).toHaveAttribute('open', '');
        await expect(details.locator('p').first()).toBeVisible();
        // The chapter's exercises, each with its answer folded.
        const count = await page.locator('article > details').count();
        expect(count).toBeGreaterThanOrEqual(6);
        expect(count).toBeLessThanOrEqual(8);
      });
    });
  }
}
