import type { Locator, Page } from '@playwright/test';
import { ATTENTION_STEPS_TEXT } from '../../src/widgets/text/attentionSteps';
import { expect, test, widget } from './fixtures';

/**
 * Chapter 6's step-by-step view of one attention head (lm-attention-steps), on the chapter page
 * (`/<lang>/attention/`), from the shipped copy model before any training: the numbers of every
 * step agree with each other (q·k ÷ √32 is the model's score, the weights sum to 1, the output
 * is the weighted sum of the values shown), the head looks back 8 positions in the copied half,
 * the mask hides the later positions, the switch to the model without positions, the cut and
 * unknown-character notes, and the keyboard.
 */

/** A number as the view writes it, in either language: `−∞` for minus infinity. */
function parse(text: string): number {
  const t = text.trim();
  if (t === '−∞') return -Infinity;
  return Number(t.replace(/,/g, '').replace('−', '-'));
}

/** A table of the view as rows of cells (the row header first), body rows only. */
function tableRows(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
}

async function open(page: Page, lang: string, query = ''): Promise<Locator> {
  await page.goto(`/${lang}/attention/${query}`);
  const view = widget(page, 'lm-attention-steps');
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-source', 'checkpoint', { timeout: 60_000 });
  await expect(view).toHaveAttribute('data-columns', /\d+/);
  return view;
}

for (const lang of ['en', 'zh-cn'] as const) {
  const words = ATTENTION_STEPS_TEXT[lang];
  test.describe(`attention step by step (${lang})`, () => {
    test('shows every step’s numbers from the shipped copy model, consistent with each other, and follows the keyboard', async ({ page, problems }) => {
      const view = await open(page, lang);
      // "qwhdkzpe>qwh" after the start token: 13 positions, the last one picked.
      await expect(view).toHaveAttribute('data-step', '1000');
      await expect(view).toHaveAttribute('data-columns', '13');
      await expect(view).toHaveAttribute('data-position', '12');
      // Predicting what follows the copied "h", the head looks at what followed the first "h": "d", 8 back.
      await expect(view).toHaveAttribute('data-strongest', '4');
      const keys = await tableRows(view.locator('[data-part="keys"] table'));
      expect(keys).toHaveLength(32 + 4);
      const [dot, score, masked, weight] = keys.slice(32).map((r) => r.slice(2).map(parse));
      expect(dot).toHaveLength(13);
      // The model's score is the dot product of the q and k shown, divided by √32.
      dot!.forEach((d, j) => expect(Math.abs(d / Math.sqrt(32) - score![j]!)).toBeLessThan(0.02));
      expect(masked).toEqual(score); // nothing after the last position to mask
      expect(weight![4]!).toBeGreaterThan(0.9);
      expect(Math.abs(weight!.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(0.01);
      // The output is the weighted sum of the values shown.
      const values = await tableRows(view.locator('[data-part="values"] table'));
      const [total, ...w] = values[0]!.slice(1).map(parse);
      expect(w).toHaveLength(13);
      expect(Math.abs(total! - 1)).toBeLessThan(0.002);
      for (const row of values.slice(1)) {
        const [out, ...v] = row.slice(1).map(parse);
        const sum = v.reduce((s, x, j) => s + x * w[j]!, 0);
        expect(Math.abs(sum - out!)).toBeLessThan(0.06);
      }
      // The copied half is certain: after "…>qwh" comes "d".
      const next = view.locator('[data-part="next"] tbody tr').first();
      await expect(next.locator('th')).toHaveText('d');
      expect(parse(await next.locator('td.bar-list-value').innerText())).toBeGreaterThan(0.9);

      // Keyboard: the picked position is the group's one tab stop; the arrows, Home and End move it.
      const picked = view.locator('[role="radio"][aria-checked="true"]');
      await picked.focus();
      await page.keyboard.press('Home');
      await expect(view).toHaveAttribute('data-position', '0');
      for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
      await expect(view).toHaveAttribute('data-position', '4');
      await expect(view.locator('[role="radio"][aria-checked="true"]')).toBeFocused();
      expect(new URL(page.url()).searchParams.get('steps.at')).toBe('4');
      // The causal mask: the 8 later positions are −∞, their weights 0.
      const rows = (await tableRows(view.locator('[data-part="keys"] table'))).slice(32);
      expect(rows[2]!.slice(7)).toEqual(Array(8).fill(words['steps.minusInfinity']));
      expect(rows[3]!.slice(7).map(parse)).toEqual(Array(8).fill(0));
      expect(Math.abs(rows[3]!.slice(2, 7).map(parse).reduce((s, w) => s + w, 0) - 1)).toBeLessThan(0.004);
      await expect(view.locator('[data-part="keys"] thead th.number-table--muted')).toHaveCount(8);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('switches to the model without positions, and cuts and marks a text from the URL', async ({ page, problems }) => {
      const text = 'qwhdkzpe>qwhd9kzpeXabc';
      const view = await open(page, lang, `?steps.pos=off&steps.at=13&steps.text=${encodeURIComponent(text)}`);
      await expect(view).toHaveAttribute('data-checkpoint', 'copy-attention-nopos');
      await expect(view.locator('[data-field="pos"]')).toHaveValue('off');
      await expect(view.locator('[data-part="status"]')).toContainText('2.784');
      // 17 known characters fit after the start token; "9" and "X" are skipped, "abc" cut off.
      await expect(view).toHaveAttribute('data-columns', '18');
      await expect(view).toHaveAttribute('data-skipped', '2');
      await expect(view).toHaveAttribute('data-cut', '3');
      await expect(view.locator('.steps-skipped')).toHaveText(['9', 'X']);
      await expect(view.locator('.steps-cut')).toHaveText(['a', 'b', 'c']);
      const note = view.locator('[data-part="note"]');
      await expect(note).toContainText('“9”');
      await expect(note).toContainText('18');
      await expect(view).toHaveAttribute('data-position', '13');
      // Without positions the head cannot find "8 back": its weights stay spread out.
      const weights = (await tableRows(view.locator('[data-part="keys"] table')))[35]!.slice(2).map(parse);
      expect(Math.max(...weights)).toBeLessThan(0.5);
      // Back to the model with positions: at the copied "d" it looks 8 back again, at the first "k".
      await view.locator('[data-field="pos"]').selectOption('on');
      await expect(view).toHaveAttribute('data-checkpoint', 'copy-attention');
      await expect(view.locator('[data-part="status"]')).toContainText('1.450');
      await expect(view).toHaveAttribute('data-strongest', '5');
      expect(new URL(page.url()).searchParams.get('steps.pos')).toBeNull();
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}
