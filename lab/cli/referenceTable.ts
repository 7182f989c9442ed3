/** One row of the reference table. */
export interface ReferenceRow {
  /** Recipe id, or `<data>-count-bigram`. */
  id: string;
  dataset: string;
  model: string;
  params: number;
  steps: number;
  /** Training tokens seen (padding included). */
  tokens: number;
  seconds: number;
  train: number;
  dev: number;
  test?: number;
  /** The dev loss to reach, when a reference sets one. */
  target?: number;
  source: string;
}

/** Where the table was measured. */
export interface ReferenceMachine {
  cpu: string;
  cores: number;
  node: string;
  backend: string;
  /** Fraction of each recipe's steps that ran (1 for the real table). */
  scale: number;
  date: string;
}

const f3 = (x: number | undefined) => (x === undefined ? '' : x.toFixed(3));

/** The table as the Markdown of docs/REFERENCE.md. */
export function referenceMarkdown(rows: readonly ReferenceRow[], machine: ReferenceMachine): string {
  const lines = [
    '# Reference table',
    '',
    'Written by `npm run lab -- reference` (do not edit by hand). Losses are mean negative log-likelihoods in',
    'nats per character, on the splits of docs/DATA.md: names dev and test are 1,000 names each; Shakespeare',
    '"dev" is nanoGPT\'s val, the last 10%, evaluated on every non-overlapping window of it.',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.backend} backend, ${machine.date}` +
      (machine.scale === 1 ? '.' : `, **a dry run at ${machine.scale} of the steps**.`),
    '',
    '| data | model | params | steps | tokens | time | train | dev | test | target (dev) | met | source |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|:-:|---|',
    ...rows.map((r) => {
      const met = r.target === undefined ? '' : r.dev <= r.target ? 'yes' : '**no**';
      const time = r.seconds < 1 ? '' : r.seconds < 120 ? `${r.seconds.toFixed(0)} s` : `${(r.seconds / 60).toFixed(1)} min`;
      return `| ${r.dataset} | ${r.model} | ${r.params.toLocaleString('en')} | ${r.steps || ''} | ${r.tokens ? r.tokens.toLocaleString('en') : ''} | ${time} | ${f3(r.train)} | ${f3(r.dev)} | ${f3(r.test)} | ${r.target ?? ''} | ${met} | ${r.source} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
