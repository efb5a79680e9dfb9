/**
 * Which execution providers can exist here, and why one cannot.
 *
 * onnxruntime-node 1.30 behaves differently per provider: asking for 'cuda' when its provider library
 * is absent throws at session creation (no fallback); 'dml' on a build without it is dropped with a
 * log line and the session silently runs on CPU; 'coreml' and 'dml' on Linux throw "backend not
 * found". So each provider gets its own session creation, in the order CUDA, DirectML, CoreML, CPU,
 * and a provider that cannot exist on this platform or build is skipped with the reason recorded.
 *
 * Opting into CUDA (Linux x64, CUDA 12 + cuDNN 9): the CUDA provider libraries are not in the npm
 * package; onnxruntime-node's install script downloads them (from the Microsoft.ML.OnnxRuntime.Gpu.Linux
 * NuGet package) unless told to skip. This project's .npmrc and CI set `onnxruntime-node-install=skip`
 * / ONNXRUNTIME_NODE_INSTALL=skip, so a user who wants CUDA re-runs the install script with the flag:
 *
 *     ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node
 *
 * (the environment variable wins over .npmrc; `--onnxruntime-node-install=cuda12` on the command line
 * works too; ONNXRUNTIME_NODE_INSTALL_CUDA=v12 is the deprecated spelling). That places
 * libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so and
 * libonnxruntime_providers_tensorrt.so next to onnxruntime_binding.node. Sources: onnxruntime-node's
 * README ("CUDA EP Installation") and script/install.js + install-utils.js of 1.30.0.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ProviderName } from './types';

/** The platform(s) each provider's prebuilt onnxruntime-node exists on (its README's table: CUDA is Linux x64 only). */
const PLATFORMS: Record<ProviderName, readonly NodeJS.Platform[] | 'all'> = {
  cuda: ['linux'],
  dml: ['win32'],
  coreml: ['darwin'],
  cpu: 'all',
};

/** The name onnxruntime-node's listSupportedBackends() uses for each provider. */
const BACKEND_NAME: Record<ProviderName, string> = { cuda: 'cuda', dml: 'dml', coreml: 'coreml', cpu: 'cpu' };

const CUDA_LIBS: Partial<Record<NodeJS.Platform, readonly string[]>> = {
  linux: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
};

export const CUDA_OPT_IN =
  'reinstall onnxruntime-node with its CUDA libraries: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node';

/**
 * Why `provider` cannot be tried here, or null when a session creation should be attempted.
 * Reasons start with "skipped:" (cannot exist on this platform/build) or "failed:" (it could, but a
 * required library is missing).
 */
export function unavailableReason(
  provider: ProviderName,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const on = PLATFORMS[provider];
  if (on !== 'all' && !on.includes(platform)) return `skipped: not available on ${platform}`;
  if (platform !== process.platform) return null;
  const supported = supportedBackends();
  if (supported && !supported.has(BACKEND_NAME[provider])) {
    return `skipped: this onnxruntime-node build has no ${provider} provider (it has ${[...supported].join(', ')})`;
  }
  if (provider === 'cuda') {
    const missing = missingCudaLibraries();
    if (missing.length > 0) {
      return `failed: the CUDA provider library is not installed (${missing.join(', ')} missing next to onnxruntime-node's binding); ${CUDA_OPT_IN}`;
    }
  }
  return null;
}

let backends: Set<string> | null | undefined;
function supportedBackends(): Set<string> | null {
  if (backends === undefined) {
    try {
      backends = new Set(ort.listSupportedBackends().map((b) => b.name));
    } catch {
      backends = null;
    }
  }
  return backends;
}

/** The CUDA provider files absent from the binding's folder; [] when present or when the folder is unknown. */
function missingCudaLibraries(): string[] {
  const libs = CUDA_LIBS[process.platform];
  if (!libs) return [];
  let dir: string;
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    dir = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return [];
  }
  if (!existsSync(join(dir, 'onnxruntime_binding.node'))) {
    return []; // unknown layout (e.g. a packaged app): let session creation report instead
  }
  return libs.filter((f) => !existsSync(join(dir, f)));
}
