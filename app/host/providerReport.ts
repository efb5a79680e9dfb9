/**
 * Which execution providers the engine can use here, and which one its last model run used, for
 * engineInfo (the editor's Models panel and status bar). Nothing is assumed: a provider is reported from
 * what the session layer (app/ort) says about it —
 * - before a session was loaded on it: `unavailableReason` (skipped on this platform or build, or a
 *   required library missing), else "available" (it would be tried);
 * - once sessions were loaded: their provider attempts (a provider that failed to create a session is
 *   unavailable with that reason; the one that created it is "loaded").
 * The session pool the engine uses is wrapped (`track`) so every session it hands out reports its
 * attempts and every run its provider; app/ort itself is untouched.
 */
import { unavailableReason, type StudioSessionPool } from '../ort/sessions';
import { PROVIDER_ORDER, type ProviderAttempt, type ProviderName } from '../ort/types';

export type ProviderStatus = 'loaded' | 'available' | 'unavailable';

export interface ProviderDetail {
  name: ProviderName;
  status: ProviderStatus;
  /** Why it is unavailable (the session layer's words). */
  reason?: string;
}

export interface ProviderReport {
  /** The providers that are not ruled out, in the order they are tried. */
  providers: ProviderName[];
  /** Every provider the engine knows, with its status. */
  details: ProviderDetail[];
  /** The provider of the last model run in this engine process, or null when no model has run. */
  lastProvider: ProviderName | null;
}

export class ProviderTracker {
  private readonly observed = new Map<ProviderName, ProviderAttempt>();
  private last: ProviderName | null = null;

  /**
   * @param configured the providers sessions are created with, in order (the engine's --providers).
   * @param check the session layer's static check (tests pass their own).
   */
  constructor(
    private readonly configured: readonly ProviderName[] = PROVIDER_ORDER,
    private readonly check: (p: ProviderName) => string | null = unavailableReason,
  ) {}

  /** Records a loaded session's provider attempts (a later attempt wins over an earlier one). */
  observe(attempts: readonly ProviderAttempt[]): void {
    for (const a of attempts) this.observed.set(a.provider, a);
  }

  /** Records that a model ran on `provider`. */
  ran(provider: ProviderName): void {
    this.last = provider;
  }

  report(): ProviderReport {
    const details: ProviderDetail[] = [];
    for (const name of this.configured) details.push(this.detail(name));
    for (const name of PROVIDER_ORDER)
      if (!this.configured.includes(name))
        details.push({
          name,
          status: 'unavailable',
          reason: 'not among the providers this engine was started with',
        });
    return {
      providers: details.filter((d) => d.status !== 'unavailable').map((d) => d.name),
      details,
      lastProvider: this.last,
    };
  }

  private detail(name: ProviderName): ProviderDetail {
    const seen = this.observed.get(name);
    if (seen)
      return seen.ok ? { name, status: 'loaded' } : { name, status: 'unavailable', reason: seen.reason };
    const reason = this.check(name);
    return reason ? { name, status: 'unavailable', reason } : { name, status: 'available' };
  }

  /**
   * The pool as the engine uses it, reporting to this tracker: each session it hands out records its
   * attempts, and each of its runs records its provider.
   */
  track(pool: StudioSessionPool): StudioSessionPool {
    type Session = Awaited<ReturnType<StudioSessionPool['get']>>;
    const wrapped = new WeakMap<Session, Session>();
    const wrap = (s: Session): Session => {
      let w = wrapped.get(s);
      if (!w) {
        // Inherits from the session (not a copy of it): its provider and attempts change when a failed
        // run moves it to the next provider, so both are read after the run.
        w = Object.create(s, {
          run: {
            value: async (...args: Parameters<Session['run']>) => {
              try {
                return await s.run(...args);
              } finally {
                this.ran(s.provider);
                this.observe(s.attempts);
              }
            },
            // As an ordinary property: a stage may wrap the session in a Proxy (lama's timed()), and a
            // Proxy must return a read-only, non-configurable property's own value.
            writable: true,
            configurable: true,
          },
        }) as Session;
        wrapped.set(s, w);
      }
      return w;
    };
    return {
      get runCounts() {
        return pool.runCounts;
      },
      get size() {
        return pool.size;
      },
      get: async (modelPath, config) => {
        const s = await pool.get(modelPath, config);
        this.observe(s.attempts);
        return wrap(s);
      },
      releaseAll: () => pool.releaseAll(),
    };
  }
}
