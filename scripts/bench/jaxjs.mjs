// jax-js beside ours in `npm run bench`: prepares the shared measuring tool
// ../shared/bench/jaxjs-bench (beside the repository; read-only, never copied into the project)
// in a cache folder with its own node_modules, and runs its bench.mjs as a child process, one
// fresh browser per run. Its last stdout line is a JSON object with every run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The runs in flight, for the driver to stop if it ends early. */
export const jaxjsChildren = new Set();

/** Files of the tool that the cache copies (its node_modules is installed there, not copied). */
function sourceFiles(dir) {
  return readdirSync(dir)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.') && statSync(join(dir, name)).isFile())
    .sort();
}

/** A digest of the tool's files, to know when the cached copy is stale. */
function digest(dir, names) {
  const hash = createHash('sha256');
  for (const name of names) hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
  return hash.digest('hex');
}

/**
 * Makes `cacheDir` a copy of `sourceDir` with its dependencies installed: copies the files again
 * when any of them changed, and runs `npm ci` when the lock file changed or nothing is installed.
 * Returns `{ dir, version }`, or `{ error }` when the tool is missing or its install fails (the
 * bench then reports jax-js as not available).
 */
export function prepareJaxjs(sourceDir, cacheDir, log) {
  if (!existsSync(join(sourceDir, 'bench.mjs'))) return { error: `${sourceDir} not found` };
  const names = sourceFiles(sourceDir);
  const stamp = join(cacheDir, '.source-digest');
  const want = digest(sourceDir, names);
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (want !== have) {
    const lockChanged = !existsSync(join(cacheDir, 'package-lock.json')) || digest(sourceDir, ['package-lock.json']) !== digest(cacheDir, ['package-lock.json']);
    if (lockChanged) rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    for (const name of names) cpSync(join(sourceDir, name), join(cacheDir, name));
    log(`jax-js: copied ${sourceDir} to ${cacheDir}`);
  }
  if (!existsSync(join(cacheDir, 'node_modules', '@jax-js', 'jax', 'package.json'))) {
    log('jax-js: npm ci in the cache folder (once)');
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 300_000 });
    if (npm.status !== 0) return { error: `npm ci in ${cacheDir} failed: ${(npm.stderr || npm.error?.message || '').trim().split('\n').slice(-1)[0]}` };
  }
  writeFileSync(stamp, want);
  const version = JSON.parse(readFileSync(join(cacheDir, 'node_modules', '@jax-js', 'jax', 'package.json'), 'utf8')).version;
  return { dir: cacheDir, version };
}

/**
 * One jax-js run: `node bench.mjs --backend B ...` in the prepared folder; resolves with its
 * last stdout line's first run (or `{ ok: false, error }`). Killed after `hardS` seconds.
 * @param flags extra command-line flags, e.g. ['--isolation', 'off'].
 */
export function runJaxjs(dir, { backend, steps, warmup, timeoutS, data, chromium, flags = [], hardS, verbose }) {
  const argv = ['bench.mjs', '--backend', backend, '--steps', String(steps), '--warmup', String(warmup), '--timeout', String(timeoutS), '--data', data, '--chromium', chromium, ...flags];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    jaxjsChildren.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (verbose) process.stderr.write(d);
    });
    // SIGTERM: the tool closes its browser and leaves (its own handler).
    const timer = setTimeout(() => child.kill('SIGTERM'), hardS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      jaxjsChildren.delete(child);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let run;
      try {
        run = JSON.parse(last).runs?.[0];
      } catch {}
      if (!run) {
        const why = signal ? `killed after ${hardS} s` : `exit ${code}`;
        run = { ok: false, error: `no result (${why}): ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`.slice(0, 300) };
      }
      resolve({ ...run, command: `node ${argv.join(' ')}` });
    });
  });
}
