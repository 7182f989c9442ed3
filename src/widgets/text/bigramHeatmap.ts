import { defineText } from './define';

/** Words of the bigram heatmap (`lm-bigram-heatmap`). */
export const BIGRAM_HEATMAP_TEXT = defineText(
  {
    'heatmap.title': 'Bigram counts',
    'heatmap.caption': 'Row: the previous character. Column: the next one. The stronger the colour, the more frequent the pair. Hover, or focus the grid and use the arrow keys.',
    'heatmap.readout': '{prev} → {next}: count {count} · P({next} | {prev}) = {p}',
    'heatmap.readoutEmpty': 'Point at a cell to see its count and probability.',
    'heatmap.summary': '{size} × {size} bigram counts of {dataset}',
    'heatmap.subset': 'Showing the {size} most frequent of {vocab} characters.',
    'heatmap.aria': 'Bigram count heatmap: {size} by {size} cells; most frequent pair {top}.',
    'heatmap.tableTop': 'The most frequent pairs',
    'heatmap.colPrev': 'Previous',
    'heatmap.colNext': 'Next',
    'heatmap.colCount': 'Count',
    'heatmap.colP': 'P(next | previous)',
  },
  {
    'heatmap.title': '二元语法计数',
    'heatmap.caption': '行：前一个字符；列：后一个字符。颜色越浓，这对字符出现越频繁。将鼠标悬停在格子上，或聚焦网格后用方向键移动。',
    'heatmap.readout': '{prev} → {next}：出现 {count} 次 · P({next} | {prev}) = {p}',
    'heatmap.readoutEmpty': '指向一个格子，查看它的计数和概率。',
    'heatmap.summary': '{dataset}的 {size} × {size} 二元语法计数',
    'heatmap.subset': '只显示 {vocab} 个字符中最常见的 {size} 个。',
    'heatmap.aria': '二元语法计数热力图：{size} × {size} 个格子；最常见的字符对是 {top}。',
    'heatmap.tableTop': '最常见的字符对',
    'heatmap.colPrev': '前一个',
    'heatmap.colNext': '后一个',
    'heatmap.colCount': '计数',
    'heatmap.colP': 'P(后一个 | 前一个)',
  },
);
