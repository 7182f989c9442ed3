import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * tfjs's wasm Identity kernel copies its input, and tfjs runs Identity on every tensor a kernel
 * saves for its gradient (about 220 copies per step of the Shakespeare GPT, 4% of the step).
 * Tensors are immutable and the wasm backend counts references per buffer, as its Reshape
 * already relies on, so Identity can share the buffer instead, as the cpu and webgl backends do.
 */
const shareData: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as tf.TensorInfo;
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

let registered = false;

/** Replaces the wasm backend's Identity with {@link shareData}; idempotent. */
export function shareDataInWasmIdentity(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('Identity', 'wasm')) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: shareData });
}
