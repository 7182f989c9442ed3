import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

/** The chapters: `content/<locale>/<slug>.mdx`, ids like `en/ngram` (see {@link chapterId}). */
const chapters = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content' }),
  schema: z.object({
    /** The chapter's title, shown as its h1 and in the chapter list. */
    title: z.string(),
    /** One sentence for the chapter list and the page's meta description. */
    description: z.string(),
    /** Position in the course, from 1. */
    order: z.number().int().positive(),
  }),
});

export const collections = { chapters };
