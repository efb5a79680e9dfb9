/**
 * Loading one model into an ONNX Runtime session with execution-provider fallback, and running it
 * with the engine's plain tensors. The resolution reads like onnxruntime-common's backend resolution:
 * each provider is tried in order, every failure is recorded, and when none works one error lists
 * them all.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { StudioError, describeValue, throwIfAborted } from '../common/errors';
import { readModelInfo } from './modelFile';
import { unavailableReason } from './providers';
import { formatDims, fromOrtTensor, toOrtTensor } from './tensors';
import {
  PROVIDER_ORDER,
  type ModelSession,
  type ProviderAttempt,
  type ProviderName,
  type SessionConfig,
  type TensorInfo,
  type TensorValue,
} from './types';

export interface LoadHooks {
  /** Called on every run, before it starts (the pool counts runs with it). */
  onRun?(): void;
  /** Called once when the session is released. */
  onRelease?(): void;
}

/** A loaded session plus what the engine learned while loading it. */
export interface LoadedModelSession extends ModelSession {
  /** Short name for messages: the file name, or 'model bytes'. */
  readonly name: string;
  /** ai.onnx opset the model imports (0 when unknown). */
  readonly opset: number;
}

/**
 * Loads a model from a file path or from its bytes.
 * Providers are tried in `config.providers` order (default CUDA, DirectML, CoreML, CPU); ones that
 * cannot exist on this platform are skipped with the reason recorded in `attempts`.
 * @throws StudioError MODEL_MISSING when the path does not exist; MODEL_INTEGRITY when the file is
 *   not a valid ONNX model (or CPU cannot load it); PROVIDER_UNAVAILABLE listing every provider's
 *   failure when none could create a session; PARAM_INVALID for a bad thread count.
 */
export async function loadModelSession(
  model: string | Uint8Array,
  config: SessionConfig = {},
  hooks: LoadHooks = {},
): Promise<LoadedModelSession> {
  const source = typeof model === 'string' ? model : 'model bytes';
  const name = typeof model === 'string' ? basename(model) : 'model bytes';
  const bytes = typeof model === 'string' ? await readModelBytes(model) : model;
  const info = readModelInfo(bytes, typeof model === 'string' ? model : name);
  const options = sessionOptions(config);

  const attempts: ProviderAttempt[] = [];
  for (const provider of config.providers ?? PROVIDER_ORDER) {
    const skip = unavailableReason(provider);
    if (skip) {
      attempts.push({ provider, ok: false, reason: skip });
      continue;
    }
    let session: ort.InferenceSession;
    try {
      // A path is handed to ONNX Runtime as a path so models with external data files still load.
      session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, { ...options, executionProviders: [provider] })
          : await ort.InferenceSession.create(bytes, { ...options, executionProviders: [provider] });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (provider === 'cpu') {
        // CPU always exists, so a CPU failure is the model's: damaged, or using operators this
        // ONNX Runtime does not have.
        throw new StudioError(
          'MODEL_INTEGRITY',
          `ONNX Runtime could not load the model ${source}: ${message}. The file may be damaged or need a newer ONNX Runtime; download or import it again.`,
          { cause: e },
        );
      }
      attempts.push({ provider, ok: false, reason: `failed: ${message.trim()}` });
      continue;
    }
    attempts.push({ provider, ok: true });
    return wrapSession(
      session,
      { source, name, provider, attempts, metadata: info.metadata, opset: info.opset },
      hooks,
    );
  }
  throw new StudioError(
    'PROVIDER_UNAVAILABLE',
    `No execution provider could load ${name}. ${attempts.map((a) => `[${a.provider}] ${a.reason}`).join('; ')}. Add 'cpu' to the providers to run without a GPU.`,
  );
}

async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new StudioError(
        'MODEL_MISSING',
        `The model file ${path} does not exist. Install the model or choose another.`,
        { cause: e },
      );
    }
    throw new StudioError(
      'MODEL_INTEGRITY',
      `The model file ${path} could not be read: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

function sessionOptions(config: SessionConfig): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  const intra = threads('intraOpThreads', config.intraOpThreads);
  const inter = threads('interOpThreads', config.interOpThreads);
  if (intra > 0) options.intraOpNumThreads = intra;
  if (inter > 0) options.interOpNumThreads = inter;
  return options;
}

function threads(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!Number.isInteger(v) || v < 0 || v > 1024) {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected an integer between 0 and 1024 for ${name} but received ${describeValue(v)}`,
    );
  }
  return v;
}

interface SessionFacts {
  source: string;
  name: string;
  provider: ProviderName;
  attempts: readonly ProviderAttempt[];
  metadata: Record<string, string>;
  opset: number;
}

function wrapSession(
  session: ort.InferenceSession,
  facts: SessionFacts,
  hooks: LoadHooks,
): LoadedModelSession {
  const inputs = session.inputMetadata.map(tensorInfo);
  const outputs = session.outputMetadata.map(tensorInfo);
  let released = false;

  const describeFeeds = (feeds: Record<string, TensorValue>): string =>
    Object.entries(feeds)
      .map(([k, v]) => `${k} ${v.dtype} ${formatDims(v.dims)}`)
      .join(', ');

  return {
    ...facts,
    inputs,
    outputs,
    metadata: Object.freeze({ ...facts.metadata }),
    async run(feeds, signal) {
      if (released) throw new StudioError('INTERNAL', `The session for ${facts.name} was already released`);
      throwIfAborted(signal);
      hooks.onRun?.();
      let result: ort.InferenceSession.ReturnType;
      try {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrtTensor(k, v);
        // ONNX Runtime cannot interrupt a run once started: onnxruntime-node runs it synchronously
        // (inside a setImmediate), and RunOptions.terminate is honoured only by the WebAssembly
        // backend. So cancellation is checked before and after; a cancelled run's result is dropped.
        result = await session.run(ortFeeds);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw new StudioError(
          'INFERENCE',
          `Model ${facts.name} failed on inputs ${describeFeeds(feeds)} (it expects ${inputs.map(describeInfo).join(', ')}): ${message}`,
          { cause: e },
        );
      }
      throwIfAborted(signal);
      const out: Record<string, TensorValue> = {};
      for (const [k, v] of Object.entries(result)) out[k] = fromOrtTensor(k, v as ort.Tensor);
      return out;
    },
    async release() {
      if (released) return;
      released = true;
      hooks.onRelease?.();
      await session.release();
    },
  };
}

function tensorInfo(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, dtype: 'non-tensor', dims: [] };
  return { name: m.name, dtype: m.type, dims: [...m.shape] };
}

/** `image float32 [1,3,512,512]`. */
export function describeInfo(t: TensorInfo): string {
  return `${t.name} ${t.dtype} ${formatDims(t.dims)}`;
}
