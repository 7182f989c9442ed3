import * as tf from '@tensorflow/tfjs';

/** Renderers that draw on the CPU: Chromium's SwiftShader, Mesa's llvmpipe and softpipe, Windows' basic renderer. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** What tfjs keeps of the device behind its GPU backends (public in JavaScript, typed private). */
export interface GpuBackendFields {
  /** WebGL: the context tfjs draws with. */
  gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext };
  /** WebGPU: the adapter's description. */
  adapterInfo?: { vendor?: string; architecture?: string };
  /** WebGPU: the device tfjs computes on. */
  device?: { lost?: Promise<{ message?: string }>; destroy?(): void };
}

/**
 * The device behind the active backend as the browser names it: the WebGL renderer or the
 * WebGPU adapter's vendor and architecture; undefined on wasm and cpu.
 */
export function gpuRenderer(): string | undefined {
  const backend = tf.backend() as unknown as GpuBackendFields;
  const gl = backend.gpgpu?.gl;
  if (gl) {
    // Chromium masks RENDERER ("WebKit WebGL") and tells the real one through this extension.
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  }
  const info = backend.adapterInfo;
  return info ? [info.vendor, info.architecture].filter(Boolean).join(' ') : undefined;
}

/** Whether a renderer (from {@link gpuRenderer}) emulates the GPU on the CPU. */
export function isSoftwareRenderer(renderer: string | undefined): boolean {
  return renderer !== undefined && SOFTWARE_RENDERER.test(renderer);
}
