import type * as tfc from '@tensorflow/tfjs-core';

type Tf = typeof tfc;

const fixedKernels = new WeakSet<tfc.KernelFunc>();

/**
 * Let a backend's `BatchMatMul` kernel multiply int32 tensors, by casting them to float32,
 * multiplying, and casting the product back.
 *
 * The attention mesh (478 points) has three int32 MatMul nodes, and the wasm backend's kernel
 * refuses anything but float32 ("BatchMatMul for non non-float32 tensors not yet supported").
 * The operands there are small integers, so float32 (exact up to 2^24) gives the same product.
 *
 * Only tfjs-core's kernel registry is used (getKernel / unregisterKernel / registerKernel), so
 * this works for wasm in Node and in a browser alike, and touches no backend package. The
 * original kernel's `setupFunc` and `disposeFunc` are kept; float32 calls go straight to the
 * original. Intermediates (the casts and the float product) are released on the backend before
 * returning, on success or error. Installing twice is harmless.
 *
 * @param backendName - The backend whose kernel to wrap. Default `'wasm'`.
 * @returns `true` when the fix is in place, `false` when the backend has no `BatchMatMul` kernel
 *   registered (its package is not loaded) or no `Cast` kernel to convert with.
 * @public
 */
export function installIntBatchMatMulFix(tf: Tf, backendName = 'wasm'): boolean {
  const kernel = tf.getKernel('BatchMatMul', backendName);
  const castKernel = tf.getKernel('Cast', backendName);
  if (!kernel || !castKernel) return false;
  if (fixedKernels.has(kernel.kernelFunc)) return true;

  const original = kernel.kernelFunc;
  const cast = castKernel.kernelFunc;
  const fixed: tfc.KernelFunc = (args) => {
    const { inputs, backend } = args;
    const a = inputs['a'] as tfc.TensorInfo | undefined;
    const b = inputs['b'] as tfc.TensorInfo | undefined;
    if (!a || !b || (a.dtype === 'float32' && b.dtype === 'float32')) return original(args);

    const temporaries: tfc.TensorInfo[] = [];
    const asFloat = (info: tfc.TensorInfo): tfc.TensorInfo => {
      if (info.dtype === 'float32') return info;
      const converted = cast({ inputs: { x: info }, backend, attrs: { dtype: 'float32' } }) as tfc.TensorInfo;
      temporaries.push(converted);
      return converted;
    };
    try {
      const product = original({ ...args, inputs: { a: asFloat(a), b: asFloat(b) } }) as tfc.TensorInfo;
      temporaries.push(product);
      return cast({ inputs: { x: product }, backend, attrs: { dtype: a.dtype } });
    } finally {
      for (const info of temporaries) (backend as tfc.KernelBackend).disposeData(info.dataId);
    }
  };
  fixedKernels.add(fixed);
  tf.unregisterKernel('BatchMatMul', backendName);
  tf.registerKernel({ ...kernel, kernelFunc: fixed });
  return true;
}
