// Runs scripts/<name>-page.ts (simd-page.ts by default, or gemm-page.ts) in headless Chromium,
// cross-origin isolated (threaded tfjs wasm).
//
//   npx tsx scripts/simd-browser.ts [gemm | <name>]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { launchChromium } from './preview.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const bundle = await build({ entryPoints: [`${ROOT}scripts/${process.argv[2] ?? 'simd'}-page.ts`], bundle: true, write: false, format: 'esm', platform: 'browser', define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'error' });
const js = bundle.outputFiles[0]!.text;
const server = createServer((req, res) => {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  const url = req.url ?? '/';
  if (url === '/') { res.setHeader('Content-Type', 'text/html'); res.end('<script type="module" src="/page.js"></script>'); return; }
  if (url === '/page.js') { res.setHeader('Content-Type', 'text/javascript'); res.end(js); return; }
  const file = url.startsWith('/wasm/') ? `${ROOT}node_modules/@tensorflow/tfjs-backend-wasm/dist/${url.slice(6)}` : '';
  try { res.setHeader('Content-Type', 'application/wasm'); res.end(readFileSync(file)); } catch { res.statusCode = 404; res.end(); }
});
await new Promise<void>((r) => server.listen(4391, '127.0.0.1', r));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log('page:', m.text()));
  await page.goto('http://127.0.0.1:4391/');
  await page.waitForFunction(() => (globalThis as Record<string, unknown>).result !== undefined);
  console.log(JSON.stringify(await page.evaluate(() => (globalThis as Record<string, unknown>).result), null, 1));
} finally {
  await browser.close();
  server.close();
}
