/**
 * The syllabus: every chapter of the course in order, ready or planned. A chapter is ready in a
 * language when `content/<locale>/<slug>.mdx` exists; planned ones show as "coming soon".
 */
export const SYLLABUS = [
  'ngram',
  'mlp',
  'training-dynamics',
  'rnn',
  'lstm-gru',
  'attention',
  'transformer',
  'tokenization',
  'gpt-to-llms',
  'race',
] as const;

export type ChapterSlug = (typeof SYLLABUS)[number];

/** The language and slug of a chapter entry, from its id `<locale>/<slug>`. */
export function chapterId(id: string): { lang: string; slug: string } {
  const [lang = '', slug = ''] = id.split('/');
  return { lang, slug };
}
