/**
 * The reference curves shipped beside the checkpoints (`public/checkpoints/<id>.curve.json`,
 * written by scripts/reference-curve.ts for a recipe and scripts/bigram-curve.ts for chapter 1's
 * trainer): per evaluation step, the dev loss of a configuration trained in Node, which a trainer
 * draws dashed under the reader's own curve. Build time only; a missing file is no curve.
 */

import { canonicalJson } from './canonicalJson';

/** A curve file as the scripts write it (the fields a page reads). */
export interface CurveFile {
  /** The data set it was trained on. */
  dataset?: string;
  /** The recipe's plan (reference-curve.ts) or the trainer's job (bigram-curve.ts) that was trained. */
  plan?: unknown;
  job?: unknown;
  points: { step: number; train: number; dev: number }[];
}

/** Every curve file found at build time, by its id (the file name without `.curve.json`). */
const FILES: Record<string, CurveFile> = Object.fromEntries(
  Object.entries(import.meta.glob<CurveFile>('../../public/checkpoints/*.curve.json', { eager: true, import: 'default' })).map(([path, file]) => [path.split('/').at(-1)!.replace(/\.curve\.json$/, ''), file]),
);

/** Every curve file shipped, by id. */
export function curveFiles(): Readonly<Record<string, CurveFile>> {
  return FILES;
}

/** A reference curve as a trainer draws it: `[step, dev loss]` pairs. */
export type ReferenceCurve = [number, number][];

/**
 * The dev curve of file `id`, if it exists and was trained with exactly `trained` (a recipe's plan
 * or a trainer's job: a curve of an older configuration would mislead).
 */
export function referenceCurve(id: string, trained: unknown): ReferenceCurve | undefined {
  const file = FILES[id];
  if (!file || canonicalJson(file.plan ?? file.job) !== canonicalJson(trained)) return undefined;
  return file.points.map((p) => [p.step, p.dev]);
}
