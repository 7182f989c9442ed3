// npm run bench: measures in headless Chromium, on the built site, how long the neural bigram
// takes to come within 0.01 of the count bigram's dev NLL on names, on every backend the
// browser offers, and which backend the probe picks. Last line: one JSON object.
// Usage: npm run build && npm run bench [-- --steps 300 --limit 240]   (limit: seconds per backend)
import { launchChromium, startPreview } from './preview.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const steps = Number(args.steps ?? 300);
const limitMs = Number(args.limit ?? 240) * 1000;
const { origin, stop: stopServer } = await startPreview(4340);

/** Trains once on `backend` and reads what the widget recorded. */
async function trainOn(browser, backend) {
  const page = await browser.newPage();
  await page.goto(`${origin}/en/ngram/?train.backend=${backend}&train.steps=${steps}`);
  const trainer = page.locator('lm-bigram-trainer');
  const started = Date.now();
  await trainer.getByRole('button', { name: 'Train' }).click({ timeout: limitMs });
  // A backend emulated in software (WebGPU on SwiftShader) may crawl: give each a time limit and
  // report how far it got.
  const finished = await page
    .waitForFunction(() => ['done', 'stopped'].includes(document.querySelector('lm-bigram-trainer')?.dataset.state ?? ''), null, { timeout: limitMs })
    .then(() => true, () => false);
  const wallMs = Date.now() - started;
  const read = (name) => trainer.getAttribute(`data-${name}`);
  const probe = await trainer.locator('[data-part="probe"] li').allTextContents();
  const result = {
    requested: backend,
    backend: await read('backend'),
    referenceDev: Number(await read('reference-dev')),
    lastDev: Number(await read('last-dev')),
    reachedStep: Number(await read('reached-step')) || null,
    reachedMs: Number(await read('reached-ms')) || null,
    wallMs,
    finished,
    status: await trainer.locator('[data-part="status"]').innerText(),
    probe,
  };
  await page.close();
  return result;
}

const results = [];
for (const backend of ['auto', 'webgpu', 'webgl', 'wasm', 'cpu']) {
  // A fresh browser per backend: a software GPU still busy with the last backend's work would slow the next.
  const browser = await launchChromium();
  const r = await trainOn(browser, backend).catch((err) => ({ requested: backend, error: String(err.message ?? err).split('\n')[0] }));
  await browser.close();
  results.push(r);
  if (r.error) {
    console.log(`${backend.padEnd(7)} failed: ${r.error}`);
    continue;
  }
  const fell = r.backend !== r.requested && r.requested !== 'auto' ? ` (fell back to ${r.backend})` : '';
  const end = r.finished ? `${steps} steps in ${r.wallMs} ms` : `stopped after ${r.wallMs} ms at "${r.status}"`;
  console.log(`${backend.padEnd(7)} on ${r.backend}${fell}: within 0.01 at step ${r.reachedStep ?? '-'} after ${r.reachedMs ?? '-'} ms; dev ${r.lastDev.toFixed(4)} vs count ${r.referenceDev.toFixed(4)}; ${end}`);
}
stopServer();
const picked = results.find((r) => r.requested === 'auto');
console.log(JSON.stringify({ bench: 'neural-bigram-names', steps, picked: picked?.backend, probe: picked?.probe, results: results.map(({ probe, ...r }) => r) }));
process.exit(0);
