import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Chapter 5's views on the chapter's page, the Shakespeare strips given a speaker's line through
 * the URL (a text with a line break): the gate strips and the interpretable units draw from the shipped
 * checkpoints before any training, in both languages, by keyboard alone, unknown characters
 * marked, no console error, nothing wider than a phone.
 */

const SHAKESPEARE = 'ROMEO:\nBut soft, what light through yonder window breaks?';

function strips(page: Page, prefix?: string): Locator {
  return prefix ? page.locator(`lm-gate-strips[data-url-prefix="${prefix}"]`) : page.locator('lm-gate-strips:not([data-url-prefix])');
}

async function open(page: Page, lang: 'en' | 'zh-cn', query = `?gates.text=${encodeURIComponent(SHAKESPEARE)}`): Promise<void> {
  await page.goto(`/${lang}/lstm-gru/${query}`);
}

for (const lang of ['en', 'zh-cn'] as const) {
  test(`${lang}: the gate strips draw the Shakespeare LSTM's four strips and a unit under the text from the shipped checkpoint`, async ({ page, problems }) => {
    await open(page, lang);
    const view = strips(page);
    await view.scrollIntoViewIfNeeded();
    await expect(view).toHaveAttribute('data-columns', String([...SHAKESPEARE].length), { timeout: 60_000 });
    await expect(view).toHaveAttribute('data-cell', 'lstm');
    await expect(view).toHaveAttribute('data-source', 'checkpoint');
    await expect(view.locator('.gate-strip svg')).toHaveCount(4);
    await expect(view.locator('.gate-strip').first()).toContainText(lang === 'en' ? 'Input gate' : '输入门');
    // One row per gate under the characters, each with one cell per character read.
    const rows = view.locator('.char-strip tbody tr');
    await expect(rows).toHaveCount(4);
    await expect(rows.first().locator('td')).toHaveCount([...SHAKESPEARE].length);
    await expect(view.getByText(lang === 'en' ? /Each strip shows the 24 of its 384 units/ : /共 384 个/)).toBeVisible();
    expect(problems.consoleErrors).toEqual([]);
  });

  test(`${lang}: the names GRU shows update and reset gates, after the name's start`, async ({ page, problems }) => {
    await open(page, lang);
    const view = strips(page, 'gates-gru');
    await view.scrollIntoViewIfNeeded();
    await expect(view).toHaveAttribute('data-columns', '5', { timeout: 60_000 }); // ⏎ e m m a
    await expect(view).toHaveAttribute('data-cell', 'gru');
    await expect(view.locator('.gate-strip svg')).toHaveCount(2);
    await expect(view.locator('[data-part="boundary"]')).toBeVisible();
    const lstm = strips(page, 'gates-lstm');
    await lstm.scrollIntoViewIfNeeded();
    await expect(lstm).toHaveAttribute('data-strips', '4', { timeout: 60_000 });
    expect(problems.consoleErrors).toEqual([]);
  });
}

test('characters the model does not know are struck through, named and left out; an empty text gets a hint', async ({ page, problems }) => {
  await open(page, 'en', `?gates.text=${encodeURIComponent('ROMEO: café {x}')}`);
  const view = strips(page);
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-skipped', '3', { timeout: 60_000 });
  await expect(view).toHaveAttribute('data-columns', String([...'ROMEO: caf x'].length));
  await expect(view.locator('.char-skipped')).toHaveText(['é', '{', '}']);
  await expect(view.locator('[data-part="note"]')).toContainText('“é”, “{”, “}”');
  const box = view.getByRole('textbox', { name: 'Text' });
  await box.fill('');
  await expect(view.locator('[data-part="note"]')).toHaveText('Type some text above to see the gates open and close.');
  await expect(view.locator('.gate-strip')).toHaveCount(0);
  await expect(view.locator('[data-part="error"]')).toBeHidden();
  await box.fill('你好');
  await expect(view.locator('.char-skipped')).toHaveText(['你', '好']);
  await expect(view.locator('[data-part="error"]')).toBeHidden();
  await box.fill('To be');
  await expect(view).toHaveAttribute('data-columns', '5');
  await expect(page).toHaveURL(/gates\.text=To\+be/);
  expect(problems.consoleErrors).toEqual([]);
});

test('keyboard only: a strip picks the unit drawn under the text, all units on request', async ({ page, problems }) => {
  await open(page, 'en');
  const view = strips(page);
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-columns', /\d+/, { timeout: 60_000 });
  const grid = view.getByRole('application').or(view.locator('.gate-strip [tabindex="0"]')).first();
  await grid.focus();
  const before = await view.getAttribute('data-unit');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(view).not.toHaveAttribute('data-unit', before!);
  const unit = await view.getAttribute('data-unit');
  await expect(page).toHaveURL(new RegExp(`gates\\.unit=${unit}`));
  await expect(view.locator('.char-strip caption')).toContainText(`Unit ${unit}`);
  await view.getByLabel('Units per strip').focus();
  await page.keyboard.press('ArrowDown'); // "all"
  await expect(page).toHaveURL(/gates\.rows=all/);
  await expect(view.getByText('Each strip shows all 384 units.')).toBeVisible();
  expect(problems.consoleErrors).toEqual([]);
});

for (const lang of ['en', 'zh-cn'] as const) {
  test(`${lang}: the units table lists the units found; the excerpt is coloured by the chosen one, by keyboard`, async ({ page, problems }) => {
    await open(page, lang);
    const view = page.locator('lm-lstm-units');
    await view.scrollIntoViewIfNeeded();
    await expect(view).toHaveAttribute('data-unit', 'lstm.cell/316', { timeout: 60_000 });
    // The line-position cell follows its property on the excerpt too.
    await expect.poll(async () => Number(await view.getAttribute('data-r'))).toBeGreaterThan(0.6);
    await expect(view.locator('.coloured-text span[style*="--cell"]').first()).toBeVisible();
    const buttons = view.locator('[data-part="pick"]');
    expect(await buttons.count()).toBeGreaterThanOrEqual(5);
    await buttons.nth(1).focus();
    await page.keyboard.press('Enter');
    await expect(buttons.nth(1)).toHaveAttribute('aria-pressed', 'true');
    await expect(page).toHaveURL(/units\.pick=1/);
    await expect(view).not.toHaveAttribute('data-unit', 'lstm.cell/316');
    await expect(view.locator('[data-part="readout"]')).toContainText(lang === 'en' ? 'r = ' : 'r = ');
    expect(problems.consoleErrors).toEqual([]);
  });
}

test("the units view colours the reader's text, marks unknown characters and keeps the text in the URL", async ({ page, problems }) => {
  await open(page, 'en');
  const view = page.locator('lm-lstm-units');
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-unit', /lstm\.cell/, { timeout: 60_000 });
  await view.getByRole('textbox', { name: 'Text to colour' }).fill('JULIET:\nO Romeo, Romeo! wherefore art thou Romeo? ☺\n');
  await expect(view).toHaveAttribute('data-skipped', '1');
  await expect(view.locator('.char-skipped')).toHaveText(['☺']);
  await expect(page).toHaveURL(/units\.text=JULIET/);
  await view.getByRole('button', { name: 'Back to the dev excerpt' }).click();
  await expect(view).toHaveAttribute('data-skipped', '0');
  await expect(page).not.toHaveURL(/units\.text/);
  expect(problems.consoleErrors).toEqual([]);
});

test('on a phone, long strips scroll inside the widget and the page does not widen', async ({ page, problems }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await open(page, 'en');
  const view = strips(page);
  await view.scrollIntoViewIfNeeded();
  await expect(view).toHaveAttribute('data-columns', /\d+/, { timeout: 60_000 });
  const units = page.locator('lm-lstm-units');
  await units.scrollIntoViewIfNeeded();
  await expect(units).toHaveAttribute('data-unit', /./, { timeout: 60_000 });
  const strip = view.locator('.char-strip');
  expect(await strip.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  expect(problems.consoleErrors).toEqual([]);
});
