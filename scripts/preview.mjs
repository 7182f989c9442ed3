// What the scripts that drive the built site share: `astro preview` serving dist/ on 127.0.0.1
// (with the COOP/COEP headers of astro.config.mjs, so pages are cross-origin isolated) and
// Debian's headless Chromium. Run `npm run build` first: nothing here builds.
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';

/**
 * Serves dist/ on `port` and resolves once a page answers.
 * @returns the origin and a `stop` that ends the server (also called when the process exits).
 */
export async function startPreview(port) {
  const origin = `http://127.0.0.1:${port}`;
  // detached: the server gets its own process group, so `stop` ends npx and astro together.
  const server = spawn('npx', ['astro', 'preview', '--host', '127.0.0.1', '--port', String(port)], { stdio: 'ignore', detached: true });
  const stop = () => {
    try {
      process.kill(-server.pid);
    } catch {}
  };
  process.on('exit', stop);
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${origin}/en/`)).ok) return { origin, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`the preview server did not answer on ${origin} (did you run npm run build?)`);
}

/** Headless Chromium from /usr/bin/chromium (or CHROMIUM_PATH), offline, with WebGPU and WebGL in software. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Why these flags: the network is closed (background services would try Google's hosts),
    // and without a GPU, WebGL and WebGPU exist only through SwiftShader.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'],
  });
}
