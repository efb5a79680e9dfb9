/**
 * The engine's long-lived services, created once per process (CLI, utility process, browser host):
 * the model store, the ONNX session pool, the model resolver and the pipeline with its cache.
 */
import { GENERATED_MODELS, ensureGeneratedModel } from '../../native-models/generated/index';
import { ModelStore, defaultStoreDir } from '../../native-models/store';
import { findModel, type ModelEntry } from '../../native-models/manifest';
import { createSessionPool } from '../ort/sessions';
import { PROVIDER_ORDER, type ProviderName } from '../ort/types';
import { Pipeline } from '../pipeline/run';
import type { ModelResolver, ResolvedModel } from '../pipeline/types';
import { STAGES } from '../stages/registry';
import { ProviderTracker } from './providerReport';

export interface ServiceOptions {
  /** Model store folder (default: $INPAINT_STUDIO_MODELS or the user data folder). */
  modelsDir?: string;
  providers?: readonly ProviderName[];
  threads?: number;
  /** The downloadable models (default: the built-in manifest; the browser host: INPAINT_STUDIO_MANIFEST). */
  manifest?: readonly ModelEntry[];
}

export interface EngineServices {
  store: ModelStore;
  resolver: ModelResolver;
  pipeline: Pipeline;
  sessions: ReturnType<typeof createSessionPool>;
  /** What the session layer found about the execution providers, and the last run's (engineInfo). */
  providers?: ProviderTracker;
  close(): Promise<void>;
}

/**
 * Resolves models from the store; ids of generated models (`generated-*`) are built on demand, so the
 * small development networks run through exactly the same path as a downloaded model.
 */
export function createModelResolver(store: ModelStore): ModelResolver {
  return {
    async resolve(purpose: string, preferredId?: string): Promise<ResolvedModel | null> {
      const generated = preferredId ? GENERATED_MODELS.find((g) => g.id === preferredId) : undefined;
      if (generated) {
        return {
          id: generated.id,
          path: await ensureGeneratedModel(generated.id),
          convention: generated.convention,
        };
      }
      const m = await store.resolve(purpose, preferredId);
      if (!m) return null;
      return { ...m, convention: m.convention ?? findModel(m.id)?.convention };
    },
  };
}

export function createEngineServices(opts: ServiceOptions = {}): EngineServices {
  const store = new ModelStore({
    dir: opts.modelsDir ?? defaultStoreDir(),
    ...(opts.manifest ? { manifest: opts.manifest } : {}),
  });
  const providers = new ProviderTracker(opts.providers ?? PROVIDER_ORDER);
  const sessions = providers.track(
    createSessionPool({ providers: opts.providers, intraOpThreads: opts.threads ?? 0 }),
  );
  const resolver = createModelResolver(store);
  // A stage bug must never damage the user's picture: outside-hole changes are put back and logged.
  const pipeline = new Pipeline({ stages: STAGES, sessions, models: resolver, outsideHole: 'restore' });
  return {
    store,
    resolver,
    pipeline,
    sessions,
    providers,
    close: () => sessions.releaseAll(),
  };
}
