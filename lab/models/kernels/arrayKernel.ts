import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A kernel written as a JavaScript loop over float32 arrays, run on the backends whose memory
 * JavaScript can read: wasm (views of its heap) and cpu (its arrays).
 *
 * Why: on wasm every tfjs op is a kernel call with a fixed cost and a pass over memory, and the
 * elementwise ones run on one thread anyway; a loop that does several ops' arithmetic in one pass
 * replaces a dozen calls (lab/train/adamwKernel.ts does so for AdamW).
 *
 * It pays only where it replaces many passes: a JavaScript pass over a float32 array costs about
 * 4 to 5 times a wasm (SIMD) elementwise kernel's pass, and Math.exp some 30 ns an element. In
 * Node (wasm, 1 thread) a fused LayerNorm (one pass forward, one back, for some 18 ops) and a
 * fused tanh-GELU (exp in JavaScript; its forward took 3.5 times the 6 ops it replaced) were no
 * faster than the tfjs ops, so they are not here.
 */
export interface ArrayKernel<A> {
  /** The kernel's name in tfjs's registry. */
  name: string;
  /** The float32 outputs' shapes, from the inputs' shapes and the attributes. */
  outputShapes(inputShapes: number[][], attrs: A): number[][];
  /** Reads `inputs` and writes every element of `outputs` (wasm's are not zeroed). */
  compute(inputs: Float32Array[], outputs: Float32Array[], attrs: A): void;
}

/** Registers `kernel` for wasm and cpu (once: a second call is a no-op). */
export function registerArrayKernel<A>(kernel: ArrayKernel<A>): void {
  const wasm: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as BackendWasm;
    const ins = Object.values(inputs) as tf.TensorInfo[];
    // Allocate every output before taking views of the heap: an allocation may grow (and detach) it.
    const outs = kernel.outputShapes(ins.map((t) => t.shape), attrs as A).map((shape) => b.makeOutput(shape, 'float32'));
    const view = (t: tf.TensorInfo) => b.typedArrayFromHeap(t) as Float32Array;
    kernel.compute(ins.map(view), outs.map(view), attrs as A);
    return outs;
  };
  const cpu: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as tf.KernelBackend & { makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo };
    const ins = Object.values(inputs) as tf.TensorInfo[];
    const shapes = kernel.outputShapes(ins.map((t) => t.shape), attrs as A);
    const outs = shapes.map((shape) => new Float32Array(tf.util.sizeFromShape(shape)));
    kernel.compute(ins.map((t) => b.readSync(t.dataId) as Float32Array), outs, attrs as A);
    return outs.map((values, i) => b.makeTensorInfo(shapes[i]!, 'float32', values));
  };
  for (const [backendName, kernelFunc] of [['wasm', wasm], ['cpu', cpu]] as const) {
    if (!tf.getKernel(kernel.name, backendName)) tf.registerKernel({ kernelName: kernel.name, backendName, kernelFunc });
  }
}

/** Whether the active backend runs the array kernel `name` (false on GPU backends: they keep tfjs ops). */
export function hasArrayKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Runs the array kernel `name`; inputs in the order the kernel's `compute` reads them. */
export function runArrayKernel(name: string, inputs: tf.Tensor[], attrs: object = {}): tf.Tensor[] {
  const named = Object.fromEntries(inputs.map((t, i) => [`x${i}`, t]));
  const out = tf.engine().runKernel(name, named, { ...attrs } as unknown as tf.NamedAttrMap);
  return (Array.isArray(out) ? out : [out]) as tf.Tensor[];
}
