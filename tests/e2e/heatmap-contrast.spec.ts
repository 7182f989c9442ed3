import type { Locator, Page } from '@playwright/test';
import { composite, contrastRatio, MIN_TEXT_CONTRAST, parseColor, type Rgb } from '../../src/views/contrast';
import { expect, test, widget } from './fixtures';

/** What the page painted for one count label: computed colours as the browser gives them. */
interface PaintedLabel {
  text: string;
  ink: string;
  cellFill: string;
  cellOpacity: string;
  gridFill: string;
  gridOpacity: string;
  /** Backgrounds from the SVG's parent up to the first opaque one, nearest first. */
  backgrounds: string[];
}

/** Every visible count label of the heatmap with the computed colours of its cell and what lies behind it. */
async function paintedLabels(heatmap: Locator): Promise<PaintedLabel[]> {
  return heatmap.locator('svg').first().evaluate((svg) => {
    const style = (el: Element) => getComputedStyle(el);
    const backgrounds: string[] = [];
    for (let node = svg.parentElement; node; node = node.parentElement) {
      const bg = style(node).backgroundColor;
      backgrounds.push(bg);
      if (/^rgb\(/.test(bg)) break; // opaque: nothing behind it shows
    }
    const grid = svg.querySelector('.heatmap-bg')!;
    // The cell a label sits in, by position: the label is centred in it.
    const cells = Array.from(svg.querySelectorAll('rect.heatmap-cell'));
    const cellAt = (x: number, y: number) =>
      cells.find((r) => {
        const b = (r as SVGRectElement).getBBox();
        return x > b.x && x < b.x + b.width && y > b.y && y < b.y + b.height;
      });
    return Array.from(svg.querySelectorAll<SVGTextElement>('.heatmap-counts text'))
      .filter((t) => t.textContent !== '' && t.getBBox().width > 0)
      .map((t) => {
        const cell = cellAt(Number(t.getAttribute('x')), Number(t.getAttribute('y')));
        if (!cell) throw new Error(`no cell under the count ${t.textContent}`);
        return {
          text: t.textContent!,
          ink: style(t).fill,
          cellFill: style(cell).fill,
          cellOpacity: style(cell).fillOpacity,
          gridFill: style(grid).fill,
          gridOpacity: style(grid).fillOpacity,
          backgrounds,
        };
      });
  });
}

function rgb(css: string): Rgb {
  const parsed = parseColor(css);
  if (!parsed) throw new Error(`unreadable colour ${css}`);
  return parsed.rgb;
}

/** The contrast of a label with its cell as seen: cell over the grid's background over the page. */
function contrastOf(label: PaintedLabel): number {
  const layers = label.backgrounds.map(parseColor);
  const base = layers.at(-1);
  if (!base || base.alpha < 1 || layers.includes(undefined)) throw new Error(`no opaque background behind the heatmap: ${label.backgrounds.join(', ')}`);
  const page = layers.slice(0, -1).reduceRight<Rgb>((under, layer) => composite(layer!.rgb, layer!.alpha, under), base.rgb);
  const grid = composite(rgb(label.gridFill), Number(label.gridOpacity), page);
  const cell = composite(rgb(label.cellFill), Number(label.cellOpacity), grid);
  return contrastRatio(rgb(label.ink), cell);
}

async function expectReadableCounts(page: Page, theme: string): Promise<void> {
  const heatmap = widget(page, 'lm-bigram-heatmap');
  await heatmap.scrollIntoViewIfNeeded();
  await expect(heatmap.locator('.heatmap-counts text').first()).toBeAttached();
  const labels = await paintedLabels(heatmap);
  expect(labels.length, 'count labels drawn').toBeGreaterThan(200);
  const ratios = labels.map((l) => ({ text: l.text, ink: l.ink, cell: l.cellFill, opacity: l.cellOpacity, ratio: Math.round(contrastOf(l) * 100) / 100 }));
  const failing = ratios.filter((r) => r.ratio < MIN_TEXT_CONTRAST);
  expect(failing, `${theme}: labels under ${MIN_TEXT_CONTRAST}:1`).toEqual([]);
}

for (const lang of ['en', 'zh-cn']) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`${lang}: every heatmap count reaches 4.5:1 against its cell in the system's ${colorScheme} theme`, async ({ page, problems }) => {
      await page.emulateMedia({ colorScheme });
      await page.goto(`/${lang}/ngram/`);
      await expectReadableCounts(page, colorScheme);
      expect(problems.consoleErrors).toEqual([]);
    });
  }

  test(`${lang}: the counts are recoloured when the reader toggles the theme`, async ({ page, problems }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`/${lang}/ngram/`);
    await expectReadableCounts(page, 'light');
    const inks = async () => widget(page, 'lm-bigram-heatmap').locator('.heatmap-counts text').evaluateAll((texts) => texts.map((t) => getComputedStyle(t).fill));
    const before = await inks();
    const toggle = page.locator('[data-theme-toggle]');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(inks).not.toEqual(before);
    await expectReadableCounts(page, 'dark, toggled');
    expect(problems.consoleErrors).toEqual([]);
  });
}
