/**
 * Engine-facing types of the ONNX Runtime layer. Nothing outside app/ort imports onnxruntime-node:
 * stages exchange plain typed arrays through these types.
 */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';
export const PROVIDER_ORDER: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'cpu'];

export type TensorDType = 'float32' | 'uint8' | 'int64' | 'int32' | 'float16' | 'int8' | 'bool';
export type TensorData = Float32Array | Uint8Array | Int32Array | BigInt64Array | Int8Array | Uint16Array;

export interface TensorValue {
  dtype: TensorDType;
  dims: readonly number[];
  data: TensorData;
}

/** Declared input/output of a model; a dimension is a number or a symbolic name (dynamic). */
export interface TensorInfo {
  name: string;
  dtype: TensorDType | string;
  dims: readonly (number | string)[];
}

export interface SessionConfig {
  /** Providers to try, in order. Default PROVIDER_ORDER (those unavailable on the platform are skipped). */
  providers?: readonly ProviderName[];
  /** Intra-op threads (0 = ONNX Runtime's default). */
  intraOpThreads?: number;
  interOpThreads?: number;
}

export interface ProviderAttempt {
  provider: ProviderName;
  ok: boolean;
  /** Why it failed or was skipped. */
  reason?: string;
}

/** A loaded model, ready to run. */
export interface ModelSession {
  /** Path or id it was loaded from. */
  readonly source: string;
  readonly provider: ProviderName;
  readonly attempts: readonly ProviderAttempt[];
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Custom metadata_props of the model, if any. */
  readonly metadata: Readonly<Record<string, string>>;
  run(feeds: Record<string, TensorValue>, signal?: AbortSignal): Promise<Record<string, TensorValue>>;
  release(): Promise<void>;
}

/** Creates and caches sessions (one per model file and config). */
export interface SessionPool {
  get(modelPath: string, config?: SessionConfig): Promise<ModelSession>;
  /** Counts session.run calls per model path (tests use it to prove caching). */
  readonly runCounts: ReadonlyMap<string, number>;
  releaseAll(): Promise<void>;
}
