import { expect, test } from './fixtures';

/**
 * Chapters 6 and 7 as pages: each loads in both languages with every widget it places, in the
 * chapter's order; every widget draws from its checkpoint (or stands idle, for a trainer) without a
 * console error or a request to another host; and a reader reaches every control of every widget,
 * the table of contents and the exercises' answers with the keyboard alone. (What each widget
 * does is tested in its own spec: attention-steps, gpt-trainer, attention-heads,
 * sampler-distribution.) One page load per test, no training: the spec stays short.
 */
const CHAPTERS = [
  {
    slug: 'attention',
    prev: 'lstm-gru',
    next: 'transformer',
    query: '',
    widgets: ['lm-attention-steps', 'lm-gpt-trainer', 'lm-runs'],
  },
  {
    slug: 'transformer',
    prev: 'attention',
    next: undefined,
    // Two samples each instead of ten: a GPT draws its 300 Shakespeare characters one forward pass at a time.
    query: '?sample.count=2&poem.count=2',
    widgets: ['lm-gpt-trainer', 'lm-attention-heads', 'lm-heads-timeline', 'lm-model-sampler', 'lm-gpt-trainer', 'lm-model-sampler', 'lm-attention-heads', 'lm-runs'],
  },
] as const;

const LANGS = [
  { lang: 'en', html: 'en', exercises: 'Exercises', answer: 'Answer' },
  { lang: 'zh-cn', html: 'zh-CN', exercises: '练习', answer: '答案' },
] as const;

/** The language each chapter's keyboard walk runs in. */
const KEYBOARD_LANG: Record<(typeof CHAPTERS)[number]['slug'], string> = { attention: 'zh-cn', transformer: 'en' };

/** Every widget tag of the two chapters. */
const TAGS = [...new Set(CHAPTERS.flatMap((c) => c.widgets))];

/** How long the widgets of a long page may take to load and draw on a busy two-core machine. */
const LOAD_MS = 90_000;

/** When a widget has drawn what it shows before any training; checked on the element. */
const DRAWN: Record<string, string> = {
  'lm-attention-steps': '[data-source="checkpoint"]',
  'lm-attention-heads': '[data-source="checkpoint"]',
  'lm-heads-timeline': '[data-source="checkpoint"]',
  'lm-model-sampler': '[data-samples]',
  'lm-gpt-trainer': '[data-state="idle"]',
  'lm-runs': '[data-state]',
};

test.describe.configure({ timeout: 5 * LOAD_MS });

/** Brings every widget of the page near the viewport in turn and waits until it has drawn, failing on a shown error. */
async function drawAll(page: import('@playwright/test').Page): Promise<void> {
  const roots = page.locator(TAGS.join(', '));
  const count = await roots.count();
  for (let i = 0; i < count; i++) {
    const root = roots.nth(i);
    const tag = await root.evaluate((el) => el.localName);
    await root.scrollIntoViewIfNeeded();
    await expect(root.and(page.locator(DRAWN[tag]!)).or(root.locator('.widget-error:visible')), `${tag} #${i + 1} drawn`).toBeVisible({ timeout: LOAD_MS });
    await expect(root.locator('.widget-error:visible'), `${tag} #${i + 1} showing an error`).toHaveCount(0);
  }
}

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
async function tabTo(page: import('@playwright/test').Page, selector: string, limit = 600): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

for (const { lang } of LANGS) {
  test(`the ${lang} home page lists chapters 6 and 7 as ready`, async ({ page }) => {
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
      test('loads with its widgets in order, each drawn without a console error or a foreign request', async ({ page, problems }) => {
        await page.goto(`/${lang}/${chapter.slug}/${chapter.query}`);
        await expect(page.locator('html')).toHaveAttribute('lang', html);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await expect(page.locator('.katex').first()).toBeVisible();
        const order = await page.locator(TAGS.join(', ')).evaluateAll((els) => els.map((el) => el.localName));
        expect(order).toEqual([...chapter.widgets]);
        await drawAll(page);
        if (chapter.slug === 'transformer') {
          // The reader's GPT's sampler: the distribution its first character was drawn from, shown, sums to 1.
          await expect(page.locator('lm-model-sampler[data-url-prefix="sample"]')).toHaveAttribute('data-shown-sum', '1.000000');
        }
        const nav = page.locator('nav.prev-next');
        await expect(nav.locator('a[rel="prev"]')).toHaveAttribute('href', new RegExp(`/${lang}/${chapter.prev}/$`));
        if (chapter.next) await expect(nav.locator('a[rel="next"]')).toHaveAttribute('href', new RegExp(`/${lang}/${chapter.next}/$`));
        else await expect(nav.locator('a[rel="next"]')).toHaveCount(0);
        expect(problems.consoleErrors).toEqual([]);
      });

      // The keyboard path is the same in both languages, and each widget's own spec walks it in both:
      // here chapter 6 is walked in Chinese and chapter 7 in English, to keep CI short.
      if (lang === KEYBOARD_LANG[chapter.slug]) test('the keyboard reaches every control of every widget, and the exercises', async ({ page }) => {
        await page.goto(`/${lang}/${chapter.slug}/${chapter.query}`);
        await drawAll(page);
        await page.evaluate(() => window.scrollTo(0, 0));
        // Every control a reader can use now: visible, enabled, in the tab order (a roving group
        // counts by its one stop). Mark them, record what focus reaches, and Tab through the page.
        const controls = await page.locator(TAGS.join(', ')).evaluateAll((roots) => {
          const found: string[] = [];
          roots.forEach((root, r) => {
            root.querySelectorAll<HTMLElement>('button, input, select, textarea, summary, a[href], [tabindex]').forEach((el, i) => {
              if (el.tabIndex < 0 || (el as HTMLButtonElement).disabled || !el.checkVisibility()) return;
              el.dataset.kbd = `${root.localName}#${r}/${el.localName}#${i}`;
              found.push(el.dataset.kbd);
            });
          });
          const reached = new Set<string>();
          (window as unknown as { kbdReached: Set<string> }).kbdReached = reached;
          document.addEventListener('focusin', (e) => {
            const kbd = (e.target as HTMLElement).dataset?.kbd;
            if (kbd) reached.add(kbd);
          });
          return found;
        });
        expect(controls.length).toBeGreaterThan(chapter.widgets.length);
        await page.locator('body').focus();
        const tabs = await page.evaluate(() => document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex="0"]').length);
        for (let i = 0; i < tabs + 20; i++) await page.keyboard.press('Tab');
        const reached = await page.evaluate(() => [...(window as unknown as { kbdReached: Set<string> }).kbdReached]);
        expect(controls.filter((c) => !reached.includes(c)), 'controls Tab never reached').toEqual([]);

        // The table of contents leads to the exercises; Tab reaches the first answer, Enter opens it.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.locator('body').focus();
        const link = page.locator('.toc nav a', { hasText: exercises });
        await expect(link).toHaveCount(1);
        const href = await link.getAttribute('href');
        await tabTo(page, `.toc nav a[href="${href}"]`);
        await page.keyboard.press('Enter');
        await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toBe(href);
        await expect(page.getByRole('heading', { level: 2, name: exercises })).toBeInViewport();
        const details = page.locator('article > details').first();
        await tabTo(page, 'article > details > summary');
        await expect(page.locator(':focus')).toHaveText(answer);
        await page.keyboard.press('Enter');
        await expect(details).toHaveAttribute('open', '');
        const count = await page.locator('article > details').count();
        expect(count).toBeGreaterThanOrEqual(6);
        expect(count).toBeLessThanOrEqual(8);
      });
    });
  }
}
