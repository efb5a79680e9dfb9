/**
 * The engine process's health as the editor shows it, from the contract's onEngineState events (pure
 * functions, no DOM): when the engine crashes the host restarts it, and the banner says what happened
 * and that the image, mask and parameters are kept; Run waits until it is ready again.
 */
import type { EventPayload } from '../../app/contract/schemas';

export type EngineHealth = 'ready' | 'restarting' | 'failed';

export interface EngineBanner {
  tone: 'info' | 'warning' | 'error';
  text: string;
  /** Whether the user may close it (not while the engine is restarting or stopped). */
  dismissible: boolean;
  /** A button the banner offers: 'restartEngine' once the host gave up on the engine (a crash loop). */
  action?: 'restartEngine';
}

export interface EngineStatus {
  health: EngineHealth;
  /** Why the engine last stopped ("killed by SIGKILL", "exit code 3"), or null when it has not. */
  reason: string | null;
  /** Crashes seen since the editor started. */
  crashes: number;
  banner: EngineBanner | null;
}

export const ENGINE_READY: EngineStatus = { health: 'ready', reason: null, crashes: 0, banner: null };

const KEPT = 'your image, mask and parameters are kept';

/** "The engine stopped (killed by SIGKILL)" — the reason from the event, or from its message. */
function stopped(reason: string | null): string {
  return reason ? `The engine stopped (${reason})` : 'The engine stopped';
}

/** The reason in an older host's message "The engine stopped unexpectedly (exit code 1).", if any. */
function reasonOf(e: EventPayload<'onEngineState'>): string | null {
  if (e.reason) return e.reason;
  const m = e.message ? /\(([^()]+)\)/.exec(e.message) : null;
  return m ? m[1] : null;
}

/** The status after one onEngineState event (the same object when nothing changes). */
export function applyEngineState(s: EngineStatus, e: EventPayload<'onEngineState'>): EngineStatus {
  switch (e.state) {
    case 'crashed':
    case 'restarting': {
      const reason = reasonOf(e) ?? s.reason;
      return {
        health: 'restarting',
        reason,
        // From 'failed' it restarts because the user asked (Restart engine), not after a new crash.
        crashes: s.health === 'failed' ? s.crashes : s.crashes + 1,
        banner: {
          tone: 'warning',
          text: `${stopped(reason)}; restarting it… ${capitalise(KEPT)}.`,
          dismissible: false,
        },
      };
    }
    case 'failed': {
      const reason = reasonOf(e) ?? s.reason;
      return {
        health: 'failed',
        reason,
        crashes: s.crashes + 1,
        banner: {
          tone: 'error',
          text:
            `${stopped(reason)} and keeps crashing, so it was not restarted. ${capitalise(KEPT)}: ` +
            'restart the engine to run again.',
          dismissible: false,
          action: 'restartEngine',
        },
      };
    }
    case 'ready':
      if (s.health === 'ready') return s;
      return {
        health: 'ready',
        reason: s.reason,
        crashes: s.crashes,
        banner: {
          tone: 'info',
          text: `${stopped(s.reason)}; restarted — ${KEPT}. Run again for a new result.`,
          dismissible: true,
        },
      };
  }
}

/** Closes the banner when it may be closed. */
export function dismissEngineBanner(s: EngineStatus): EngineStatus {
  return s.banner?.dismissible ? { ...s, banner: null } : s;
}

function capitalise(t: string): string {
  return t.charAt(0).toUpperCase() + t.slice(1);
}
