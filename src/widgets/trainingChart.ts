import { HTML_LANG, type Locale } from '../i18n/locales';
import { type LossChartLabels, type LossSeriesConfig, LossChartView } from '../views/lossChart';
import { COMMON_TEXT } from './text/common';

/**
 * The loss chart of a training widget, labelled in `lang`: the faint batch loss, the train
 * estimate and the dev loss of each evaluation, with a table alternative. `aria` names the chart;
 * `extra` adds curves of the widget's own, e.g. a reference run's.
 */
export function trainingChart(container: HTMLElement, lang: Locale, aria: string, totalSteps: number, extra: LossSeriesConfig[] = []): LossChartView {
  const s = COMMON_TEXT[lang];
  return new LossChartView(container, {
    locale: HTML_LANG[lang],
    totalSteps,
    series: [
      { key: 'batch', label: s['chart.batch'], color: 'var(--chart-3)', opacity: 0.45 },
      { key: 'train', label: s['chart.trainNll'], color: 'var(--chart-1)' },
      { key: 'dev', label: s['chart.devNll'], color: 'var(--chart-2)' },
      ...extra,
    ],
    labels: lossChartLabels(lang, aria),
  });
}

/** A loss chart's axis titles, table headings and accessible name `aria`, in `lang`. */
export function lossChartLabels(lang: Locale, aria: string): LossChartLabels {
  const s = COMMON_TEXT[lang];
  return { x: s['chart.step'], y: s['chart.loss'], aria, tableSummary: s['table.show'], colStep: s['chart.colStep'], colSeries: s['chart.colSeries'], colLoss: s['chart.colLoss'] };
}
