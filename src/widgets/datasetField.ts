import { DATASET_IDS, type DatasetId } from '../../lab/data/datasets';
import type { Locale } from '../i18n/locales';
import { COMMON_TEXT } from './text/common';
import { translator } from './text/define';

/** The data-set setting every widget has, as a schema field. */
export const DATASET_FIELD = { kind: 'enum', default: 'names', options: DATASET_IDS } as const;

/**
 * The data sets a neural widget trains on: not the Tang poems, whose 3,622-character
 * vocabulary makes a 13-million-weight bigram matrix, too big to train in a tab.
 */
export const TRAINABLE_DATASET_FIELD = { kind: 'enum', default: 'names', options: ['names', 'tinyshakespeare'] } as const;

/** Options of a data-set select, labelled in `lang`. */
export function datasetOptions(lang: Locale, ids: readonly DatasetId[] = DATASET_IDS): { value: string; label: string }[] {
  const t = translator(lang, COMMON_TEXT);
  return ids.map((id) => ({ value: id, label: t(`data.${id}`) }));
}
