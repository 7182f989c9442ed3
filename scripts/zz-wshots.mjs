import { chromium } from '@playwright/test';
const base = process.argv[2]; const out = process.argv[3] ?? '/tmp/wshots';
import { mkdirSync } from 'node:fs'; mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-swiftshader'] });
const train = process.argv.includes('--train');
for (const lang of ['en', 'zh-cn']) for (const scheme of ['light', 'dark']) for (const [device, viewport] of Object.entries({ desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } })) {
  const page = await browser.newPage({ viewport, colorScheme: scheme });
  const errors = []; page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}${lang}/mlp/${train ? '?mlp.steps=1000' : ''}`);
  for (const host of await page.locator('.widget-host').all()) await host.scrollIntoViewIfNeeded();
  await page.waitForTimeout(2500);
  if (train) {
    const t = page.locator('lm-mlp-trainer'); await t.scrollIntoViewIfNeeded(); await t.locator('[data-part="start"]').click();
    await page.waitForFunction(() => document.querySelector('lm-mlp-trainer')?.dataset.state === 'done', null, { timeout: 300_000 });
    await t.locator('[data-part="generate"]').click(); await page.waitForTimeout(1000);
  }
  const hosts = await page.locator('.widget-host').all();
  for (let i = 0; i < hosts.length; i++) { await hosts[i].scrollIntoViewIfNeeded(); await page.waitForTimeout(400); await hosts[i].screenshot({ path: `${out}/${lang}-${scheme}-${device}-${i}${train ? '-trained' : ''}.png` }); }
  console.log(lang, scheme, device, errors.length ? errors.join(' | ') : 'ok');
  await page.close();
}
await browser.close();
