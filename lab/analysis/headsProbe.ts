import type { AttentionPattern } from '../worker/protocol';

/**
 * The fixed text chapter 7's heads timeline shows every head's attention on while a Shakespeare
 * GPT trains (and `scripts/heads-forming.ts` scores): Macbeth's "Tomorrow, and tomorrow, and
 * tomorrow", 63 characters, within the chapter GPT's block of 64. "omorrow, and " comes back, so a
 * head that attends to the character after an earlier occurrence of the current one (induction)
 * has somewhere to look; the line is not in tinyshakespeare, so copying it needs the context, not
 * memory. Every character is in tinyshakespeare's vocabulary.
 */
export const HEADS_PROBE_TEXT = 'Tomorrow, and tomorrow, and tomorrow,\nCreeps in this petty pace';

/**
 * The poem the heads of a Tang GPT are shown on: Meng Haoran's 春晓, one 五言绝句 as the data
 * set writes it (24 characters on one line), 25 positions with the boundary the model reads first,
 * within `tang-wujue-gpt`'s block of 26. Its half-lines are 6 characters apart, so a head that
 * looks back one half-line scores on `{ back: 6 }`.
 */
export const HEADS_PROBE_POEM = '春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。';

/** The patterns the heads timeline and `heads-forming.ts` score, in this order. */
export const HEADS_PATTERNS: readonly AttentionPattern[] = ['previous', 'start', 'induction', 'self'];
