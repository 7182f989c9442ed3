/**
 * The lab's command line: trains, evaluates and samples the course's models in Node on tfjs's
 * wasm backend (no native download), with the same code the pages run.
 *
 *   npm run lab -- train --model gpt --data tinyshakespeare [--steps 2000 --batch 12 --lr 1e-3 ...]
 *   npm run lab -- train --recipe names-gpt [--steps 500]
 *   npm run lab -- eval --checkpoint out/names-gpt.ckpt [--split test]
 *   npm run lab -- sample --checkpoint out/names-gpt.ckpt [--count 10 --temperature 0.8 --top-k 0 --top-p 1 --seed 1]
 *   npm run lab -- reference [--only names-gpt,names-mlp] [--scale 0.1]
 *   npm run lab -- range --recipe names-mlp-lecture [--min 1e-5 --max 1 --steps 300]
 *
 * Progress goes to stderr; the last line of stdout is one JSON summary.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { commandLineOptions, planFromOptions, rangeFromOptions } from './options';
import { evaluateCommand, rangeCommand, referenceCommand, sampleCommand, trainCommand } from './commands';
import { useNodeBackend } from './environment';

const USAGE = `usage: npm run lab -- <train|eval|sample|reference|range> [options]
  train      --model <bigram|mlp|rnn|lstm|gru|gpt> --data <names|tinyshakespeare|tang-wujue>
             or --recipe <id>; then any of --steps --batch --lr --min-lr --warmup --weight-decay --decay-all
             --beta2 --clip --eval-every --seed --subset <first N training sequences> --config key=value,... --out <file.ckpt>
  eval       --checkpoint <file.ckpt> [--split dev|test|train]
  sample     --checkpoint <file.ckpt> [--count 10 --max-length 200 --temperature 1 --top-k 0 --top-p 1 --seed 1 --prompt text]
  reference  [--only id,id] [--scale 1] [--out-dir public/checkpoints] [--table docs/REFERENCE.md]
  range      a learning-rate range test (AdamW) of what train takes: --min 1e-5 --max 1 --steps 300; prints the points and the suggestion
  common     --backend wasm|cpu (default wasm)`;

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({ args: rest, options: commandLineOptions, strict: true });
  if (!command || values.help) {
    console.log(USAGE);
    return;
  }
  const backend = await useNodeBackend(values.backend ?? 'wasm');
  let summary: object;
  switch (command) {
    case 'train':
      summary = await trainCommand(planFromOptions(values), values.out);
      break;
    case 'eval':
      summary = await evaluateCommand(required(values.checkpoint, '--checkpoint'), values.split ?? 'dev');
      break;
    case 'sample':
      summary = await sampleCommand(required(values.checkpoint, '--checkpoint'), values);
      break;
    case 'reference':
      summary = await referenceCommand(values);
      break;
    case 'range':
      summary = await rangeCommand(rangeFromOptions(values));
      break;
    default:
      throw new Error(`unknown command ${command}\n${USAGE}`);
  }
  console.log(JSON.stringify({ command, backend, tfjs: tf.version.tfjs, ...summary }));
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required\n${USAGE}`);
  return value;
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
