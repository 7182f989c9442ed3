import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';

/**
 * A figures script's two files: the JSON of what it measured (kept across runs, so that a run of
 * one group leaves the others' figures) and the Markdown tables written from it.
 */
export interface FiguresFile {
  /** Every group's figures so far, read from the JSON at the start. */
  results: Record<string, unknown>;
  /** Writes the Markdown again from `results`, measuring nothing. */
  writeTables(): Promise<void>;
  /** Stamps the machine and the seconds since `started`, then writes the JSON and the Markdown. */
  save(backend: string, started: number): Promise<void>;
}

/** Opens the figures in `jsonPath` (empty when the file is not there yet), whose tables `render` writes to `markdownPath`. */
export async function openFigures(jsonPath: string, markdownPath: string, render: (results: Record<string, unknown>) => string): Promise<FiguresFile> {
  const previous = await readFile(jsonPath, 'utf8').then((s) => JSON.parse(s) as Record<string, unknown>, () => ({}) as Record<string, unknown>);
  const results: Record<string, unknown> = { ...previous };
  const writeTables = () => writeFile(markdownPath, render(results));
  return {
    results,
    writeTables,
    async save(backend, started) {
      results.machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, backend, tfjs: tf.version.tfjs, date: new Date().toISOString().slice(0, 10) };
      results.seconds = Math.round((performance.now() - started) / 1000);
      await writeFile(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
      await writeTables();
    },
  };
}
