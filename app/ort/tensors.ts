/**
 * Conversion between the engine's plain TensorValue and onnxruntime's Tensor. Data arrays are shared,
 * not copied, in both directions.
 */
import * as ort from 'onnxruntime-node';
import { StudioError } from '../common/errors';
import type { TensorData, TensorDType, TensorValue } from './types';

const ARRAY_OF: Record<TensorDType, string> = {
  float32: 'Float32Array',
  uint8: 'Uint8Array',
  int64: 'BigInt64Array',
  int32: 'Int32Array',
  float16: 'Uint16Array',
  int8: 'Int8Array',
  bool: 'Uint8Array',
};

/** Formats dims as `[1,3,512,512]`. */
export function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`;
}

/**
 * @throws StudioError INFERENCE when the data array does not fit the dtype or the dims.
 */
export function toOrtTensor(name: string, v: TensorValue): ort.Tensor {
  const want = ARRAY_OF[v.dtype];
  if (!want) throw new StudioError('INFERENCE', `Input ${name} has an unsupported dtype ${String(v.dtype)}`);
  if (v.data.constructor.name !== want) {
    throw new StudioError(
      'INFERENCE',
      `Input ${name} is ${v.dtype} and needs a ${want}, but received a ${v.data.constructor.name}`,
    );
  }
  const count = v.dims.reduce((a, b) => a * b, 1);
  if (count !== v.data.length) {
    throw new StudioError(
      'INFERENCE',
      `Input ${name} has dims ${formatDims(v.dims)} (${count} values) but its data holds ${v.data.length} values`,
    );
  }
  // The casts mirror the checks above: ort.Tensor's overloads want the exact array type per dtype.
  return new ort.Tensor(v.dtype, v.data as Float32Array, v.dims as number[]);
}

/** @throws StudioError INFERENCE for an output type the engine has no TensorValue for (e.g. string). */
export function fromOrtTensor(name: string, t: ort.Tensor): TensorValue {
  const dtype = t.type as TensorDType;
  if (!(dtype in ARRAY_OF)) {
    throw new StudioError('INFERENCE', `Output ${name} has type ${t.type}, which the engine does not read`);
  }
  return { dtype, dims: [...t.dims], data: t.data as TensorData };
}
