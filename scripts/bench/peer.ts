/**
 * Benchmark page for the peer, @genai-fi/nanogpt (a tfjs nanoGPT trainer on npm), at the same
 * size as ours: its char tokenizer trained on tinyshakespeare, its own pretraining loop (AdamW,
 * no warm-up), its progress event after every step (logInterval of 1 ms). Without gradient
 * clipping: nanogpt's clipping kernel (Norm2) exists for WebGPU only, and with it nanogpt fails
 * on WebGL; peer-bench's adapter leaves it off too.
 * Bundled by scripts/bench-gpt.mjs in a bundle of its own: nanogpt ships its own copy of
 * tfjs-core and its own WebGPU backend, which must not meet ours in one page.
 */
import { data, TeachableLLM } from '@genai-fi/nanogpt';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { errorMessage, report, stepClock, wasmInfo } from './harness';
import { type PageOptions, parsePageOptions } from './protocol';

/**
 * Slots nanogpt's char tokenizer reserves for special tokens (<eos>, <bos>, <pad>, chat
 * markers...) before the first character: its vocabulary must be this much larger than the
 * character set, or characters silently become unknown.
 */
const NANOGPT_SPECIAL_TOKENS = 10;

type Llm = ReturnType<typeof TeachableLLM.create>;

/** Resolves when the model is ready to train; rejects on its error event or after a minute. */
function whenReady(llm: Llm): Promise<void> {
  return new Promise((resolve, reject) => {
    if (llm.ready) return resolve();
    const timer = setTimeout(() => reject(new Error(`model not ready (status ${llm.status})`)), 60_000);
    llm.on('status', (status) => {
      if (status !== 'ready') return;
      clearTimeout(timer);
      resolve();
    });
    llm.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function main(o: PageOptions): Promise<void> {
  try {
    // nanogpt's selectBackend registers its patched WebGPU backend and kernels for webgpu, and
    // otherwise calls tf.setBackend, which resolves false rather than throwing on failure.
    await TeachableLLM.selectBackend(o.backend as 'cpu' | 'webgl' | 'webgpu');
    if (tf.getBackend() !== o.backend) throw new Error(`${o.backend} is not available (running on ${tf.getBackend()})`);
    report({
      type: 'env',
      backend: tf.getBackend(),
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      userAgent: navigator.userAgent,
      webgl2Renderer: null,
      webgpuAdapter: null,
      ...(o.backend === 'wasm' ? { wasm: await wasmInfo(tf, getThreadsCount) } : {}),
    });
  } catch (err) {
    return report({ type: 'error', phase: 'backend', message: errorMessage(err) });
  }

  let llm: Llm;
  let stream: data.MemoryConversationStream;
  try {
    const started = performance.now();
    const text = (await (await fetch('/data/tinyshakespeare.txt')).text()).replace(/\r\n?/g, '\n');
    const chars = new Set(text);
    llm = TeachableLLM.create('char', {
      modelType: 'GenAI_NanoGPT_v2',
      vocabSize: chars.size + NANOGPT_SPECIAL_TOKENS,
      blockSize: o.block,
      nLayer: o.layers,
      nHead: o.heads,
      nEmbed: o.embd,
      mlpFactor: 4,
    });
    stream = new data.MemoryConversationStream([[{ role: 'text', content: text }]]);
    await llm.trainTokeniser([stream]);
    await whenReady(llm);
    const missing = [...chars].filter((c) => !llm.vocab.includes(c));
    if (missing.length > 0) throw new Error(`the tokenizer lacks ${missing.length} characters`);
    await report({
      type: 'ready',
      backend: tf.getBackend(),
      params: llm.getNumParams(),
      vocabSize: llm.vocab.length,
      setupMs: Math.round(performance.now() - started),
      note: 'RMSNorm, relu², RoPE, QK-norm, no bias, tied',
    });
  } catch (err) {
    return report({ type: 'error', phase: 'setup', message: errorMessage(err) });
  }

  const clock = stepClock(o);
  try {
    await new Promise<void>((resolve, reject) => {
      let stopping = false;
      llm.training.on('progress', (job) => {
        const last = job.history?.[job.history.length - 1];
        if (!last || stopping) return;
        if (!clock.tick(last.trainingMetrics.loss)) {
          stopping = true;
          llm.training.cancel(job.id); // takes effect after the current step
        }
      });
      llm.training.on('cancelled', () => resolve());
      llm.training.on('completed', () => resolve());
      llm.training.on('error', (_id, err) => reject(err));
      llm.training
        .job(
          { method: { type: 'pretraining' }, batchSize: o.batch, logInterval: 1, learningRate: o.lr, warmupSteps: 0, maxEpochs: 1 },
          [stream],
          [{ id: 'tinyshakespeare', name: 'tinyshakespeare', conversational: false }],
        )
        .catch(reject);
    });
    await report({ type: 'trained', stoppedByLimit: clock.stoppedByLimit() });
  } catch (err) {
    await report({ type: 'error', phase: 'train', message: errorMessage(err) });
  }
}

// Why the path: tfjs fetches its .wasm binaries relative to this prefix; the bench serves them.
setWasmPaths('/wasm/');
void main(parsePageOptions(location.search)).finally(() => report({ type: 'done' }));
