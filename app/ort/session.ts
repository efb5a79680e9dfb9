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
 * cannot exist on this platform are skipped with the reason recorded in `attempts`. On a provider
 * other than the CPU the new session also runs once on zeros (see openOnProviders), so a provider
 * that loads the model but cannot run it is passed over here; a later run that still fails on such
 * a provider moves the session once to the next provider (see wrapSession).
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
  const providers = config.providers ?? PROVIDER_ORDER;
  const open = (from: number) => openOnProviders(model, bytes, source, options, providers, from, attempts);
  const first = await open(0);
  if (!first) {
    throw new StudioError(
      'PROVIDER_UNAVAILABLE',
      `No execution provider could load ${name}. ${attempts.map((a) => `[${a.provider}] ${a.reason}`).join('; ')}. Add 'cpu' to the providers to run without a GPU.`,
    );
  }
  return wrapSession(
    first,
    open,
    { source, name, attempts, metadata: info.metadata, opset: info.opset },
    hooks,
  );
}

/** A session on one provider, and where that provider is in the list (to go on from the next). */
interface Opened {
  session: ort.InferenceSession;
  provider: ProviderName;
  index: number;
}

/**
 * Creates a session on the first provider of `providers[from..]` that loads the model and, unless it
 * is the CPU, also runs it: a warm-up run on zeros of the model's input shapes catches a provider
 * that creates the session but fails at run time (DirectML on the Carve LaMa: "MatMul … The
 * parameter is incorrect"), so the next provider is tried at load, not in the middle of a fill.
 * Every provider tried is recorded in `attempts`. Returns null when none is left.
 * @throws StudioError MODEL_INTEGRITY when the CPU cannot load the model.
 */
async function openOnProviders(
  model: string | Uint8Array,
  bytes: Uint8Array,
  source: string,
  options: ort.InferenceSession.SessionOptions,
  providers: readonly ProviderName[],
  from: number,
  attempts: ProviderAttempt[],
): Promise<Opened | null> {
  for (let index = from; index < providers.length; index++) {
    const provider = providers[index];
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
    if (provider !== 'cpu') {
      const failure = await warmUp(session);
      if (failure !== null) {
        await session.release().catch(() => undefined);
        attempts.push({
          provider,
          ok: false,
          reason: `failed: the session loaded but a warm-up run failed: ${failure}`,
        });
        continue;
      }
    }
    attempts.push({ provider, ok: true });
    return { session, provider, index };
  }
  return null;
}

/** Size given to a symbolic spatial (or other non-batch) dimension in the warm-up run: a multiple of 32. */
export const WARM_UP_SIZE = 64;

/**
 * The warm-up feeds: zeros of each input's dtype and shape; a symbolic batch (dim 0) is 1, any other
 * symbolic dimension WARM_UP_SIZE. Null when an input has a type the warm-up cannot make (then
 * there is no warm-up).
 */
export function warmUpFeeds(
  inputs: readonly ort.InferenceSession.ValueMetadata[],
): Record<string, ort.Tensor> | null {
  const feeds: Record<string, ort.Tensor> = {};
  for (const m of inputs) {
    if (!m.isTensor) return null;
    const make = ZEROS[m.type];
    if (!make) return null;
    const dims = m.shape.map((d, k) => (typeof d === 'number' && d >= 0 ? d : k === 0 ? 1 : WARM_UP_SIZE));
    const count = dims.reduce((a, b) => a * b, 1);
    feeds[m.name] = new ort.Tensor(m.type as 'float32', make(count) as Float32Array, dims);
  }
  return feeds;
}

const ZEROS: Record<string, (n: number) => ArrayLike<number | bigint>> = {
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  float16: (n) => new Uint16Array(n),
  uint8: (n) => new Uint8Array(n),
  bool: (n) => new Uint8Array(n),
  int8: (n) => new Int8Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
};

/** Runs the session once on warmUpFeeds; returns the failure's message, or null when it ran (or could not be fed). */
async function warmUp(session: ort.InferenceSession): Promise<string | null> {
  const feeds = warmUpFeeds(session.inputMetadata);
  if (!feeds) return null;
  try {
    await session.run(feeds);
    return null;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).trim();
  }
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
  /** Every provider tried so far; grows when a failed run moves the session to the next provider. */
  attempts: ProviderAttempt[];
  metadata: Record<string, string>;
  opset: number;
}

/**
 * The engine's session around an ONNX Runtime one. When a run fails on a provider other than the CPU,
 * the session moves once to the next provider that loads (and passes its warm-up) and runs again
 * there; later runs stay on it. `provider` always names the provider of the current ONNX Runtime
 * session, so read it after a run to know which one ran.
 */
function wrapSession(
  first: Opened,
  open: (from: number) => Promise<Opened | null>,
  facts: SessionFacts,
  hooks: LoadHooks,
): LoadedModelSession {
  let current = first;
  const inputs = current.session.inputMetadata.map(tensorInfo);
  const outputs = current.session.outputMetadata.map(tensorInfo);
  let released = false;
  /** The move to the next provider in progress, shared by runs that fail together. */
  let moving: Promise<Opened | null> | null = null;

  const describeFeeds = (feeds: Record<string, TensorValue>): string =>
    Object.entries(feeds)
      .map(([k, v]) => `${k} ${v.dtype} ${formatDims(v.dims)}`)
      .join(', ');
  const failure = (feeds: Record<string, TensorValue>, e: unknown, extra = ''): StudioError =>
    new StudioError(
      'INFERENCE',
      `Model ${facts.name} failed on inputs ${describeFeeds(feeds)} (it expects ${inputs.map(describeInfo).join(', ')})${extra}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );

  /** Moves from `from` to the next provider that works; null when none is left. */
  const moveOn = (from: Opened, reason: string): Promise<Opened | null> => {
    if (current !== from) return Promise.resolve(current); // another run already moved on
    moving ??= (async () => {
      facts.attempts.push({ provider: from.provider, ok: false, reason: `failed: a run failed: ${reason}` });
      const next = await open(from.index + 1);
      if (next) {
        current = next;
        await from.session.release().catch(() => undefined);
      }
      return next;
    })().finally(() => {
      moving = null;
    });
    return moving;
  };

  const runOn = async (
    opened: Opened,
    feeds: Record<string, TensorValue>,
  ): Promise<ort.InferenceSession.ReturnType> => {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrtTensor(k, v);
    // ONNX Runtime cannot interrupt a run once started: onnxruntime-node runs it synchronously
    // (inside a setImmediate), and RunOptions.terminate is honoured only by the WebAssembly
    // backend. So cancellation is checked before and after; a cancelled run's result is dropped.
    return opened.session.run(ortFeeds);
  };

  return {
    source: facts.source,
    name: facts.name,
    opset: facts.opset,
    get provider() {
      return current.provider;
    },
    get attempts() {
      return facts.attempts;
    },
    inputs,
    outputs,
    metadata: Object.freeze({ ...facts.metadata }),
    async run(feeds, signal) {
      if (released) throw new StudioError('INTERNAL', `The session for ${facts.name} was already released`);
      throwIfAborted(signal);
      hooks.onRun?.();
      const used = current;
      let result: ort.InferenceSession.ReturnType;
      try {
        result = await runOn(used, feeds);
      } catch (e) {
        if (e instanceof StudioError || used.provider === 'cpu') throw failure(feeds, e);
        const message = (e instanceof Error ? e.message : String(e)).trim();
        const next = await moveOn(used, message);
        if (!next) throw failure(feeds, e, ` on ${used.provider}, and no other provider could load it`);
        throwIfAborted(signal);
        try {
          result = await runOn(next, feeds);
        } catch (e2) {
          throw failure(feeds, e2, ` on ${used.provider} (${message}) and again on ${next.provider}`);
        }
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
      await moving?.catch(() => null);
      await current.session.release();
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
