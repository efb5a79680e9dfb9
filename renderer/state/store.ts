/**
 * A tiny external store: an immutable snapshot replaced on every change, and listeners. React reads it
 * through useSyncExternalStore; the canvas adapter and tests subscribe directly. No React in here.
 */
export type Listener = () => void;

export class Store<S extends object> {
  private current: S;
  private readonly listeners = new Set<Listener>();

  constructor(initial: S) {
    this.current = initial;
  }

  /** The current snapshot (the same object until the next change). */
  readonly getSnapshot = (): S => this.current;

  protected get state(): S {
    return this.current;
  }

  /** Registers a listener; returns the function that removes it. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Replaces the fields given and notifies listeners (no notification when nothing changed). */
  protected update(patch: Partial<S>): void {
    let changed = false;
    for (const k of Object.keys(patch) as (keyof S)[]) {
      if (!Object.is(this.current[k], patch[k])) {
        changed = true;
        break;
      }
    }
    if (!changed) return;
    this.current = { ...this.current, ...patch };
    for (const l of [...this.listeners]) l();
  }
}
