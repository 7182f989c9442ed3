import type { Locator, Page } from '@playwright/test';
import { GRADIENT_FLOW_TEXT } from '../../src/widgets/text/gradientFlow';
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

/** The gradient chart's table alternative: ‖∂ℓ/∂h‖ by distance, per series (by its label). */
async function flowTable(view: Locator): Promise<Map<string, Map<number, number>>> {
  const table = view.locator('table.data-table').first();
  const head = await table.locator('thead th').allTextContents();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
  const series = new Map<string, Map<number, number>>();
  head.slice(1).forEach((label, c) => series.set(label, new Map(rows.map((r) => [Number(r[0]), Number(r[c + 1]!.replace(/,/g, ''))]))));
  return series;
}

async function openFlow(page: Page, lang: string, query = ''): Promise<Locator> {
  await page.goto(`/${lang}/rnn/${query}`);
  const view = widget(page, 'lm-gradient-flow');
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-measured', 'rnn,lstm,fresh', { timeout: 90_000 });
  return view;
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

    test('the gradient chart shows the shipped RNN’s gradient falling faster with distance than the LSTM’s', async ({ page, problems }) => {
      const view = await openFlow(page, lang);
      const words = GRADIENT_FLOW_TEXT[lang];
      const table = await flowTable(view);
      const rnn = table.get(words['flow.rnn'])!;
      const lstm = table.get(words['flow.lstm'])!;
      expect([...rnn.keys()]).toEqual(Array.from({ length: 40 }, (_, i) => i));
      for (const curve of [rnn, lstm]) for (const y of curve.values()) expect(y).toBeGreaterThan(0);
      // From the drawn data: the RNN loses more between 1 and 30 characters back than the LSTM.
      const drop = (curve: Map<number, number>) => curve.get(1)! / curve.get(30)!;
      expect(drop(rnn)).toBeGreaterThan(drop(lstm));
      expect(drop(rnn)).toBeGreaterThan(10);
      // The readout's table and the widget's state say the same.
      expect(Number(await view.getAttribute('data-ratio-rnn'))).toBeGreaterThan(Number(await view.getAttribute('data-ratio-lstm')));
      await expect(view.locator('[data-part="ratios"] tbody tr')).toHaveCount(3);
      await expect(view.locator('[data-part="summary"] p')).toHaveCount(3);
      await expect(view.locator('[data-part="summary"]')).toContainText(words['flow.rnn']);
      await expect(view.locator('svg path[data-series="rnn"]')).toHaveCount(1);
      await expect(view.locator('svg path[data-series="lstm"]')).toHaveCount(1);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('the gradient chart works by keyboard alone: the untrained RNN’s scale, then reading the chart', async ({ page, problems }) => {
      const view = await openFlow(page, lang);
      const before = Number(await view.getAttribute('data-ratio-fresh'));
      const slider = view.locator('input[data-field="scale"]');
      await slider.focus();
      await page.keyboard.press('End');
      await expect.poll(() => new URL(page.url()).searchParams.get('flow.scale')).toBe('4');
      await expect.poll(async () => Number(await view.getAttribute('data-ratio-fresh')), { timeout: 60_000 }).not.toBe(before);
      // Larger recurrent weights: the gradient fades less (or grows) with distance.
      expect(Number(await view.getAttribute('data-ratio-fresh'))).toBeLessThan(before);
      await expect(view.locator('[data-part="ratios"] tbody tr[data-series="fresh"] th')).toContainText('4');
      await view.locator('[role="application"]').focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await expect(view.locator('.chart-readout')).toContainText('1');
      await expect(view.locator('.chart-readout')).not.toHaveText(GRADIENT_FLOW_TEXT[lang]['flow.readoutEmpty']);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('the gradient chart clamps a scale out of range in the URL and says so', async ({ page, problems }) => {
      const view = await openFlow(page, lang, '?flow.scale=9');
      await expect(view.locator('[data-part="notice"]')).toContainText('flow.scale');
      await expect(view.locator('input[data-field="scale"]')).toHaveValue('4');
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}
