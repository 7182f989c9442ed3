import type { Locator, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { applyRunEvent, newRun, type RunRecord, runFileText } from '../../src/runs/record';
import { expect, test, widget } from './fixtures';

/** Trains chapter 2's MLP once with the trainer's current settings, to the end; returns the run's id. */
async function trainOnce(trainer: Locator): Promise<string> {
  const before = await trainer.getAttribute('data-run-id');
  await trainer.locator('[data-part="start"]').click();
  await expect(trainer).not.toHaveAttribute('data-run-id', before ?? '', { timeout: 30_000 });
  await expect(trainer).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  return (await trainer.getAttribute('data-run-id'))!;
}

async function panelOf(page: Page): Promise<Locator> {
  const panel = widget(page, 'lm-runs');
  await panel.scrollIntoViewIfNeeded();
  await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  return panel;
}

/** A finished run of chapter 2's trainer on `lang`'s page, with learning rate `lr`, as a file would hold it. */
function storedRun(lang: 'en' | 'zh-cn', id: string, lr: string, startedAt: string): RunRecord {
  let run = newRun({
    id,
    widget: 'lm-mlp-trainer',
    prefix: 'mlp',
    page: `/${lang}/mlp/`,
    lang,
    settings: { block: '3', embed: '10', hidden: '200', init: '1', lr, batch: '32', steps: '100', seed: 2147483647, backend: 'auto', temp: '1', draw: 1 },
    settingLabels: { lr: 'Learning rate' },
    link: `/${lang}/mlp/?mlp.lr=${lr}&mlp.steps=100#lm-mlp-trainer-title`,
    label: 'MLP',
    startedAt,
    totalSteps: 100,
  });
  run = applyRunEvent(run, { type: 'progress', step: 100, points: [0, 50, 100].map((step) => ({ step, series: 'dev' as const, loss: 3.3 - step / (lr === '0.1' ? 100 : 200) })), durationMs: 1000 });
  return applyRunEvent(run, { type: 'end', status: 'done', durationMs: 1000 });
}

/** Writes `runs` to a file and imports it through the panel. */
async function importRuns(panel: Locator, path: string, runs: RunRecord[]): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, runFileText(runs, new Date().toISOString()));
  await panel.locator('[data-part="import"]').setInputFiles(path);
}

for (const lang of ['en', 'zh-cn'] as const) {
  test.describe(`runs panel (${lang})`, () => {
    test('two runs with different learning rates overlay, the panel names the difference, and runs survive a reload', async ({ page, problems }) => {
      test.setTimeout(300_000);
      // A small model: 100 steps evaluate on the whole dev split about 40 times.
      await page.goto(`/${lang}/mlp/?mlp.steps=100&mlp.lr=0.01&mlp.hidden=50&mlp.embed=5&mlp.batch=16`);
      const trainer = widget(page, 'lm-mlp-trainer');
      await trainer.scrollIntoViewIfNeeded();
      const first = await trainOnce(trainer);
      await trainer.locator('[data-field="lr"]').selectOption('0.1');
      const second = await trainOnce(trainer);
      expect(second).not.toBe(first);

      const panel = await panelOf(page);
      await expect(panel).toHaveAttribute('data-count', '2');
      // Newest first.
      await expect(panel.locator('tbody tr').first()).toHaveAttribute('data-run-id', second);
      for (const id of [first, second]) await panel.locator(`tr[data-run-id="${id}"] [data-action="select"]`).check();
      await expect(panel).toHaveAttribute('data-selected', '2');
      await expect(panel).toHaveAttribute('data-differs', 'lr');
      await expect(panel.locator('[data-part="diff"]')).toContainText(lang === 'en' ? 'Learning rate: 0.01 / 0.1' : '学习率：0.01 / 0.1');
      // Both runs' dev curves are drawn, and listed in the chart's table.
      const chart = panel.locator('[data-part="chart"]');
      await expect(chart.locator('.chart-legend li')).toHaveCount(2);
      await expect(chart.locator('.loss-lines path[data-series^="dev:"]')).toHaveCount(2);
      await expect(chart.locator('.chart-legend li').nth(0)).toContainText('0.01');
      await expect(chart.locator('.chart-legend li').nth(1)).toContainText(/0\.1\)/);
      // The text alternative lists both runs' evaluations.
      expect(await chart.locator('table tbody tr').count()).toBeGreaterThanOrEqual(4);
      await expect(panel.locator('tbody tr').first().locator('td').nth(2)).toHaveText(lang === 'en' ? 'done' : '完成');

      await page.reload();
      const again = await panelOf(page);
      await expect(again).toHaveAttribute('data-count', '2');
      await expect(again.locator(`tr[data-run-id="${first}"]`)).toBeVisible();
      expect(problems.consoleErrors).toEqual([]);
    });

    test('a run reopened from its link restores every setting', async ({ page, problems }) => {
      test.setTimeout(300_000);
      const settings = { block: '4', embed: '5', hidden: '50', init: '0.5', lr: '0.03', batch: '16', steps: '100', seed: '7', temp: '0.8', draw: '5' };
      const query = Object.entries(settings).map(([k, v]) => `mlp.${k}=${v}`).join('&');
      await page.goto(`/${lang}/mlp/?${query}`);
      const trainer = widget(page, 'lm-mlp-trainer');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.locator('[data-field="backend"]').selectOption('wasm');
      await trainOnce(trainer);

      await page.goto(`/${lang}/mlp/`);
      const panel = await panelOf(page);
      const link = panel.locator('tbody tr').first().locator('[data-action="open"]');
      const href = (await link.getAttribute('href'))!;
      expect(href).toMatch(new RegExp(`^/${lang}/mlp/\\?.*#lm-mlp-trainer-title$`));
      await link.click();
      await page.waitForURL((url) => url.search.includes('mlp.lr=0.03'));
      const reopened = widget(page, 'lm-mlp-trainer');
      await reopened.scrollIntoViewIfNeeded();
      await expect(reopened).toHaveAttribute('data-state', 'idle');
      for (const [key, value] of Object.entries({ ...settings, backend: 'wasm' })) await expect(reopened.locator(`[data-field="${key}"]`), key).toHaveValue(value);
      expect(problems.consoleErrors).toEqual([]);
    });

    test('works by keyboard alone: select, compare, delete, export, delete all', async ({ page, problems }, testInfo) => {
      await page.goto(`/${lang}/mlp/`);
      const panel = await panelOf(page);
      await expect(panel).toHaveAttribute('data-count', '0');
      await importRuns(panel, testInfo.outputPath('runs.json'), [storedRun(lang, 'run-a', '0.01', '2026-12-01T10:00:00.000Z'), storedRun(lang, 'run-b', '0.1', '2026-12-01T10:05:00.000Z')]);
      await expect(panel).toHaveAttribute('data-count', '2');
      await expect(panel.locator('[data-part="status"]')).toContainText('2');
      // Importing ticks what came in; untick both by keyboard, then tick them again.
      await panel.locator('[data-field="train"]').focus();
      const boxes = panel.locator('[data-action="select"]');
      for (let i = 0; i < 2; i++) {
        await page.keyboard.press('Tab');
        while (!(await boxes.nth(i).evaluate((el) => el === document.activeElement))) await page.keyboard.press('Tab');
        await page.keyboard.press('Space');
      }
      await expect(panel).toHaveAttribute('data-selected', '0');
      await boxes.nth(0).focus();
      await page.keyboard.press('Space');
      await expect(panel).toHaveAttribute('data-selected', '1');
      await expect(boxes.nth(0)).toBeFocused(); // the table redraws, and the focus stays
      await page.keyboard.press('Tab'); // open
      await page.keyboard.press('Tab'); // delete
      await page.keyboard.press('Tab'); // the next run's box
      await page.keyboard.press('Space');
      await expect(panel).toHaveAttribute('data-differs', 'lr');
      // The train curves toggle, by keyboard.
      await panel.locator('[data-field="train"]').focus();
      await page.keyboard.press('Space');
      await expect(page).toHaveURL(/runs\.train=1/);

      const exportButton = panel.locator('[data-part="export-all"]');
      await exportButton.focus();
      const download = page.waitForEvent('download');
      await page.keyboard.press('Enter');
      const exported = JSON.parse(await readFile(await (await download).path(), 'utf8')) as { runs: RunRecord[] };
      expect(exported.runs.map((r) => r.id).sort()).toEqual(['run-a', 'run-b']);

      await panel.locator('tr[data-run-id="run-b"] [data-action="delete"]').focus();
      await page.keyboard.press('Enter');
      await expect(panel).toHaveAttribute('data-count', '1');
      await expect(panel.locator('[data-action="delete"]')).toBeFocused();

      await panel.locator('[data-part="clear"]').focus();
      await page.keyboard.press('Enter');
      await expect(panel.locator('[data-part="clear-no"]')).toBeFocused();
      await page.keyboard.press('Shift+Tab');
      await expect(panel.locator('[data-part="clear-yes"]')).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(panel).toHaveAttribute('data-count', '0');
      await expect(panel.locator('[data-part="import"]')).toBeFocused();
      expect(problems.consoleErrors).toEqual([]);
    });

    test('refuses a file that is not a runs file, or is of a newer version', async ({ page, problems }, testInfo) => {
      await page.goto(`/${lang}/mlp/`);
      const panel = await panelOf(page);
      const error = panel.locator('[data-part="error"]');
      const { writeFile } = await import('node:fs/promises');
      const notRuns = testInfo.outputPath('not-runs.json');
      await writeFile(notRuns, JSON.stringify({ format: 'something-else', rows: [] }));
      await panel.locator('[data-part="import"]').setInputFiles(notRuns);
      await expect(error).toBeVisible();
      await expect(error).toContainText(lang === 'en' ? 'not a runs file' : '不是从本课程导出的训练记录文件');
      const newer = testInfo.outputPath('newer.json');
      await writeFile(newer, JSON.stringify({ format: 'lm-runs', version: 9, exportedAt: '2030-01-01T00:00:00.000Z', runs: [] }));
      await panel.locator('[data-part="import"]').setInputFiles(newer);
      await expect(error).toContainText(lang === 'en' ? 'version 9' : '第 9 版');
      await expect(panel).toHaveAttribute('data-count', '0');
      expect(problems.consoleErrors).toEqual([]);
    });
  });
}
