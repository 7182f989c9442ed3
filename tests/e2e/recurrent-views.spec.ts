import type { Locator, Page } from '@playwright/test';
import { expect, test, widget } from './fixtures';

/**
 * Chapter 4's views of a recurrent network, on the chapter page (`/<lang>/rnn/`): the RNN
 * unrolled over a typed text (lm-rnn-unrolled) and the vanishing gradient measured
 * (lm-gradient-flow), both from the shipped checkpoints before any training.
 */

/** The unrolled view's column labels: the characters read, the boundary it starts from first. */
function columnLabels(view: Locator): Promise<string[]> {
  return view.locator('.heatmap-col-labels text').allTextContents();
}

/** The next-character list: label and probability per row. */
async function nextRows(view: Locator): Promise<{ label: string; p: number }[]> {
  const rows = view.locator('.bar-list-table tbody tr:not(.bar-list-rest)');
  return (await rows.evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent ?? '', tr.children[2]!.textContent ?? '']))).map(([label, p]) => ({ label: label!, p: Number(p) }));
}

async function openUnrolled(page: Page, lang: string, query = ''): Promise<Locator> {
  await page.goto(`/${lang}/rnn/${query}`);
  const view = widget(page, 'lm-rnn-unrolled');
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-source', 'checkpoint', { timeout: 30_000 });
  return view;
}

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`chapter 4 views (${lang})`, () => {
    test('the unrolled RNN draws the shipped model’s state under the characters, and the next-character distribution', async ({ page, problems }) => {
      const view = await openUnrolled(page, lang);
      await expect(view).toHaveAttribute('data-columns', '5');
      expect(await columnLabels(view)).toEqual(['⏎', 'e', 'm', 'm', 'a']);
      await expect(view.locator('.heatmap-row-labels text')).toHaveCount(32);
      // The last column is picked first: what the model expects after "emma".
      await expect(view).toHaveAttribute('data-column', '4');
      await expect(view.locator('.bar-list-table caption')).toContainText('emma');
      const rows = await nextRows(view);
      expect(rows).toHaveLength(10);
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.p).toBeLessThanOrEqual(rows[i - 1]!.p);
      expect(rows.reduce((s, r) => s + r.p, 0)).toBeLessThanOrEqual(1.001);
      expect(rows[0]!.p).toBeGreaterThan(0.1);
      await expect(view.locator('[data-part="status"]')).toContainText('2.044');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('the unrolled RNN works by keyboard alone, its text in the URL', async ({ page, problems }) => {
      const view = await openUnrolled(page, lang);
      const box = view.locator('[data-part="text"]');
      await box.focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('anna');
      await expect.poll(() => columnLabels(view)).toEqual(['⏎', 'a', 'n', 'n', 'a']);
      expect(new URL(page.url()).searchParams.get('unroll.text')).toBe('anna');
      // Tab to the grid; ← moves to the column before: the distribution after "ann".
      await page.keyboard.press('Tab');
      await expect(view.locator('[role="application"]')).toBeFocused();
      const caption = view.locator('.bar-list-table caption');
      await page.keyboard.press('ArrowLeft');
      await expect(view).toHaveAttribute('data-column', '3');
      await expect(caption).toContainText('ann');
      await expect(caption).not.toContainText('anna');
      await page.keyboard.press('Home');
      await expect(view).toHaveAttribute('data-column', '0');
      await expect(caption).not.toContainText('“');
      const first = await nextRows(view);
      expect(first).toHaveLength(10);
      // The readout names the unit and the position.
      await expect(view.locator('.chart-readout')).toContainText('⏎');
      expect(problems.consoleErrors).toEqual([]);
    });

    test('the unrolled RNN marks and skips characters it does not know, and hints at an empty text', async ({ page, problems }) => {
      const view = await openUnrolled(page, lang, `?unroll.text=${encodeURIComponent('zoë 1')}`);
      await expect(view).toHaveAttribute('data-skipped', '3');
      await expect(view.locator('s.unroll-skipped')).toHaveText(['ë', ' ', '1']);
      await expect(view.locator('[data-part="note"]')).toContainText('“1”');
      expect(await columnLabels(view)).toEqual(['⏎', 'z', 'o']);
      await expect(view.locator('[data-part="error"]')).toBeHidden();
      await view.locator('[data-part="text"]').fill('');
      await expect.poll(() => columnLabels(view)).toEqual(['⏎']);
      await expect(view.locator('[data-part="note"]')).not.toBeEmpty();
      await expect(view.locator('[data-part="note"]')).not.toContainText('“');
      await expect(view.locator('.bar-list-table caption')).toBeVisible();
      expect(new URL(page.url()).searchParams.get('unroll.text')).toBe('');
      // A text longer than the view reads is cut, and the reader told.
      const long = await openUnrolled(page, lang, `?unroll.text=${'a'.repeat(40)}`);
      await expect(long).toHaveAttribute('data-columns', '25');
      await expect(long.locator('[data-part="note"]')).toContainText('24');
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}
