/**
 * Benchmark page for the course's own GPT (lab/models/gpt.ts): sets the backend, trains with
 * the course's Trainer (AdamW, global-norm clipping at 1.0, the loss read back every step) on
 * random windows of tinyshakespeare, reporting every step, then probes the backend's matmul
 * rate. Bundled by scripts/bench-gpt.mjs; settings come from the URL (see protocol.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { activeWasmThreads, registerBackends } from '../../lab/backend/register';
import { poolSettingsFor } from '../../lab/backend/threads';
import { ThreadKeeper } from '../../lab/worker/threadKeeper';
import { buildDataset, DATASETS } from '../../lab/data/datasets';
import { GPT, nanoGptShakespeareCpu } from '../../lab/models/gpt';
import { numParams } from '../../lab/models/model';
import { sequenceBatches } from '../../lab/train/batches';
import { AdamW } from '../../lab/train/optim';
import { Trainer, type TrainerOptions } from '../../lab/train/trainer';
import { describeBrowser, errorMessage, matmulProbe, profileKernels, report, stepClock, wasmInfo } from './harness';
import { type PageOptions, parsePageOptions, type ThreadReport } from './protocol';

/** The machine's logical cores, read before registerBackends, which may report more to tfjs's wasm module. */
const CORES = navigator.hardwareConcurrency;

/** Seed of the weights and the batches. */
const SEED = 1337;

/** Chooses the wasm thread count as the site's worker does (lab/worker/host.ts), with its ThreadKeeper. */
const keeper = new ThreadKeeper(() => {});

/**
 * The wasm thread count: for `auto`, measured before the backend starts as the site's worker
 * does, and measured again as a run starts (see {@link report}'s `ready`); or the fixed number.
 */
async function chooseThreads(o: PageOptions): Promise<ThreadReport> {
  if (o.threads !== 'auto') return { requested: o.threads, threads: o.threads, cores: CORES, freeCores: CORES, measuredMs: 0, reason: 'fixed' };
  return { requested: o.threads, ...(await keeper.start(CORES, 'auto')) };
}

/**
 * Registers the backends as the site's worker does: wasm with the chosen count and a pool for the
 * policy's count (so that it could go back up), or the fixed number.
 */
function register(o: PageOptions, choice: ThreadReport | undefined): void {
  if (o.backend !== 'wasm' || !choice) return registerBackends('/wasm/', { cores: CORES }); // the count only matters on wasm
  registerBackends('/wasm/', { cores: CORES, ...poolSettingsFor(choice) });
}

async function main(o: PageOptions): Promise<void> {
  try {
    const choice = o.backend === 'wasm' ? await chooseThreads(o) : undefined;
    register(o, choice);
    // setBackend resolves false (rather than throwing) when a backend fails to initialize.
    if (!(await tf.setBackend(o.backend))) throw new Error(`${o.backend} is not available in this browser`);
    await tf.ready();
    const threadChoice = choice && { ...choice, threads: activeWasmThreads() ?? choice.threads };
    report({
      type: 'env',
      backend: tf.getBackend(),
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: CORES,
      userAgent: navigator.userAgent,
      ...(await describeBrowser()),
      ...(o.backend === 'wasm' ? { wasm: await wasmInfo(tf, getThreadsCount), threadChoice } : {}),
    });
  } catch (err) {
    return report({ type: 'error', phase: 'backend', message: errorMessage(err) });
  }

  await train(o);
  // After training, so that a slow probe does not eat the training's time limit.
  if (o.matmul > 0) {
    try {
      await report(await matmulProbe(tf, o.matmul));
    } catch (err) {
      await report({ type: 'error', phase: 'probe', message: errorMessage(err) });
    }
  }
}

/** Sets up and trains until the step count or the time limit; reports a failure rather than throwing. */
async function train(o: PageOptions): Promise<void> {
  let run: Awaited<ReturnType<typeof setup>>;
  try {
    run = await setup(o);
  } catch (err) {
    return report({ type: 'error', phase: 'setup', message: errorMessage(err) });
  }
  try {
    await run.trainer.run();
    await report({ type: 'trained', stoppedByLimit: run.clock.stoppedByLimit() });
    if (o.profile) {
      // One more step of the same trainer's loop (same model, optimizer and batches).
      const once = new Trainer({ ...run.options, steps: 1, callbacks: {} });
      await report(await profileKernels(tf, async () => void (await once.run())));
    }
  } catch (err) {
    await report({ type: 'error', phase: 'train', message: errorMessage(err) });
  } finally {
    run.model.dispose(); // frees the weights before the matmul probe needs the memory
  }
}

/** Loads the text, builds the model and its trainer, and reports `ready`. */
async function setup(o: PageOptions): Promise<{ model: GPT; trainer: Trainer; options: TrainerOptions; clock: ReturnType<typeof stepClock> }> {
  const started = performance.now();
  const text = await (await fetch('/data/tinyshakespeare.txt')).text();
  const dataset = buildDataset(DATASETS.tinyshakespeare, text);
  const model = new GPT({
    ...nanoGptShakespeareCpu,
    vocabSize: dataset.tokenizer.vocabSize,
    blockSize: o.block,
    nLayer: o.layers,
    nHead: o.heads,
    nEmbd: o.embd,
    dropout: 0,
    seed: SEED,
  });
  const clock = stepClock(o);
  const options: TrainerOptions = {
    model,
    optimizer: new AdamW({ learningRate: o.lr }),
    batches: sequenceBatches(dataset.splits.train, o.block, o.batch, SEED),
    steps: o.steps + 1,
    evalEvery: 0,
    clipNorm: 1,
    callbacks: {
      onStep: (_step, loss) => {
        if (!clock.tick(loss)) trainer.stop();
      },
    },
  };
  const trainer = new Trainer(options);
  const { bias, tieWeights } = model.config;
  // As the site's worker before each run: measured again when stale or below the policy's count.
  const before = keeper.choice;
  await keeper.beforeRun();
  const threadChoice = o.threads === 'auto' && keeper.choice && keeper.choice !== before ? { requested: o.threads, ...keeper.choice, threads: activeWasmThreads() ?? keeper.choice.threads } : undefined;
  await report({
    type: 'ready',
    backend: tf.getBackend(),
    params: numParams(model),
    vocabSize: dataset.tokenizer.vocabSize,
    setupMs: Math.round(performance.now() - started),
    note: `LayerNorm, GELU, learned positions, bias ${bias}, tied ${tieWeights}`,
    ...(threadChoice ? { threadChoice } : {}),
  });
  return { model, trainer, options, clock };
}

void main(parsePageOptions(location.search)).finally(() => report({ type: 'done' }));
