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
  /** Where and when this row was trained: rows of one table may come from different runs. */
  machine?: ReferenceMachine;
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

/** `AMD EPYC, 2 cores, Node v20.20.2, tfjs wasm backend, 2026-11-26`, and a dry run's scale. */
function describeMachine(machine: ReferenceMachine): string {
  const where = `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.backend} backend, ${machine.date}`;
  return machine.scale === 1 ? where : `${where}, **a dry run at ${machine.scale} of the steps**`;
}

/**
 * The machines the trained rows ran on (the count bigrams are counted, not trained), each with its
 * rows, in the order first met; a row that does not say counts as trained on `fallback`.
 */
export function machinesOf(rows: readonly ReferenceRow[], fallback: ReferenceMachine): { machine: ReferenceMachine; rows: ReferenceRow[] }[] {
  const found = new Map<string, { machine: ReferenceMachine; rows: ReferenceRow[] }>();
  for (const row of rows.filter((r) => r.steps > 0)) {
    const machine = row.machine ?? fallback;
    const key = describeMachine(machine);
    const entry = found.get(key) ?? { machine, rows: [] };
    entry.rows.push(row);
    found.set(key, entry);
  }
  return [...found.values()];
}

/** The table's machine line: one machine, or each machine with the rows trained on it. */
function machineLine(rows: readonly ReferenceRow[], fallback: ReferenceMachine): string {
  const machines = machinesOf(rows, fallback);
  if (machines.length <= 1) return `Machine: ${describeMachine(machines[0]?.machine ?? fallback)}.`;
  const [most, ...others] = [...machines].sort((a, b) => b.rows.length - a.rows.length);
  const rowNames = (list: ReferenceRow[]) => list.map((r) => `${r.dataset} ${r.model}`).join('; ');
  return [`Machine: ${describeMachine(most!.machine)}, for every row but these:`, '', ...others.map((m) => `- ${rowNames(m.rows)}: ${describeMachine(m.machine)}.`)].join('\n');
}

/** The table as the Markdown of docs/REFERENCE.md; `machine` stands for rows that do not name theirs. */
export function referenceMarkdown(rows: readonly ReferenceRow[], machine: ReferenceMachine): string {
  const lines = [
    '# Reference table',
    '',
    'Written by `npm run lab -- reference` (do not edit by hand). Losses are mean negative log-likelihoods in',
    'nats per character, on the splits of docs/DATA.md: names dev and test are 1,000 names each; Shakespeare',
    '"dev" is nanoGPT\'s val, the last 10%, evaluated on every non-overlapping window of it.',
    '',
    machineLine(rows, machine),
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
