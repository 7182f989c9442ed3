import { Rng } from '../rng';

/** Letters a copy-task line draws from. */
export const COPY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
/** Letters in each half of a line. */
export const COPY_LENGTH = 8;
/** The character between a line's two halves. */
export const COPY_SEPARATOR = '>';
/** Lines in the generated text: 20,000, so that train holds 18,000 after dev and test take 1,000 each. */
export const COPY_LINES = 20_000;
/** Seed of the generated text: the same text in a page, a worker and Node. */
const COPY_SEED = 6;

/**
 * The text of chapter 6's copy task: {@link COPY_LINES} lines, each {@link COPY_LENGTH} random
 * letters, the separator, and the same letters again (`qwhdkzpe>qwhdkzpe`). The first half
 * cannot be predicted better than ln 26 per letter; the second half is certain to a model that
 * looks back exactly {@link COPY_LENGTH} + 1 positions, which a single attention head can learn
 * with position embeddings and cannot without them.
 */
export function copyTaskText(): string {
  const rng = new Rng(COPY_SEED);
  const lines: string[] = [];
  for (let i = 0; i < COPY_LINES; i++) {
    let half = '';
    for (let j = 0; j < COPY_LENGTH; j++) half += COPY_ALPHABET[rng.int(COPY_ALPHABET.length)];
    lines.push(`${half}${COPY_SEPARATOR}${half}`);
  }
  return `${lines.join('\n')}\n`;
}
