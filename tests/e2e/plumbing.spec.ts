import type { Locator, Page } from '@playwright/test';
import { COMMON_TEXT } from '../../src/widgets/text/common';
import { expect, test, widget } from './fixtures';

/** A long run of the neural bigram on wasm: minutes of steps, so it is still going when the test scrolls. */
const LONG_RUN = 'train.steps=3000&train.batch=16384&train.backend=wasm';

/** Scrolls the trainer far out of view: a tall spacer after the page, then the page's end. */
async function scrollFarAway(page: Page): Promise<void> {
  await page.evaluate(() => {
    const spacer = Object.assign(document.createElement('div'), { id: 'far-away' });
    spacer.style.height = '400vh';
    document.body.append(spacer);
    window.scrollTo(0, document.documentElement.scrollHeight);
  });
}

async function trainUntilRunning(page: Page, lang: string, query: string): Promise<Locator> {
  await page.goto(`/${lang}/ngram/?${query}`);
  const trainer = widget(page, 'lm-bigram-trainer');
  await trainer.scrollIntoViewIfNeeded();
  await trainer.getByRole('button', { name: COMMON_TEXT[lang === 'en' ? 'en' : 'zh-cn']['train.start'], exact: true }).click();
  await expect(trainer).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  return trainer;
}

for (const lang of ['en', 'zh-cn'] as const) {
  const t = COMMON_TEXT[lang];

  test(`${lang}: a trainer pauses far out of view and resumes when scrolled back, showing its time left`, async ({ page, problems }) => {
    const trainer = await trainUntilRunning(page, lang, LONG_RUN);
    const timeLeft = trainer.locator('[data-part="time-left"]');
    await expect(timeLeft).toHaveText(new RegExp(t['train.timeLeft'].replace('{left}', '.+')), { timeout: 30_000 });
    expect(Number(await trainer.getAttribute('data-seconds-left'))).toBeGreaterThan(0);

    await scrollFarAway(page);
    await expect(trainer).toHaveAttribute('data-state', 'paused');
    await expect(trainer).toHaveAttribute('data-paused-by', 'view');
    await expect(trainer.locator('[data-part="status"]')).toHaveText(t['train.pausedOutOfView']);
    // Paused means paused: once the step in flight has landed, no more steps while away.
    await page.waitForTimeout(1_000);
    const stepAway = await trainer.getAttribute('data-step');
    await page.waitForTimeout(1_500);
    expect(await trainer.getAttribute('data-step')).toBe(stepAway);

    await trainer.scrollIntoViewIfNeeded();
    await expect(trainer).toHaveAttribute('data-state', 'running');
    await expect(trainer).not.toHaveAttribute('data-paused-by');
    await expect.poll(async () => Number(await trainer.getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(Number(stepAway));
    await trainer.getByRole('button', { name: t['train.stop'], exact: true }).click();
    await expect(trainer).toHaveAttribute('data-state', 'stopped');
    await expect(timeLeft).toHaveText('');
    expect(problems.consoleErrors).toEqual([]);
  });
}

test("a reader's own pause stays when the trainer leaves the view and comes back", async ({ page, problems }) => {
  const trainer = await trainUntilRunning(page, 'en', LONG_RUN);
  await trainer.getByRole('button', { name: COMMON_TEXT.en['train.pause'], exact: true }).click();
  await expect(trainer).toHaveAttribute('data-paused-by', 'reader');
  await scrollFarAway(page);
  await page.waitForTimeout(500);
  await trainer.scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await expect(trainer).toHaveAttribute('data-state', 'paused');
  await expect(trainer).toHaveAttribute('data-paused-by', 'reader');
  await expect(trainer.locator('[data-part="status"]')).toHaveText(COMMON_TEXT.en['train.paused']);
  expect(problems.consoleErrors).toEqual([]);
});

test('every chapter page renders its widgets with unique ids, in both languages', async ({ page, problems }) => {
  for (const path of ['/en/ngram/', '/zh-cn/ngram/', '/en/race/', '/zh-cn/race/']) {
    await page.goto(path);
    await expect(page.locator('.widget-host').first()).toBeAttached();
    const ids = await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), path).toEqual([]);
    for (const figure of await page.locator('figure.widget').all()) await expect(figure).toHaveAccessibleName(/\S/);
  }
  expect(problems.consoleErrors).toEqual([]);
});
