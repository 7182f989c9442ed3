import * as tf from '@tensorflow/tfjs';
import { LabHost } from '../lab/worker/host';
import { readData, WASM_DIR } from '../tests/unit/lab/helpers';
const plan = { model: { kind: 'mlp', config: { blockSize: 3, embedDim: 4, hiddenDim: 32, norm: 'none', seed: 42 } }, steps: 200, batchSize: 32, learningRate: 1e-2, weightDecay: 0.01, beta2: 0.99, evalEvery: 200, seed: 7 } as const;
const host = new LabHost({ post: (m) => { if (m.type !== 'progress') console.log(performance.now().toFixed(0), m.type, 'step' in m ? m.step : ''); }, reader: () => readData, wasmDirectory: () => WASM_DIR });
async function main() {
await host.handle({ type: 'init', baseUrl: '/', backend: process.argv[2] as 'cpu' });
const t = performance.now();
await host.receive({ type: 'start', jobId: 1, job: { kind: 'plan', dataset: 'names', plan } });
console.log('ms', performance.now() - t);
}
void main();
