/**
 * A size-bounded, least-recently-used cache of promised values: the stages' graphs and weights (issue 16
 * §3). One lives on each pipeline's stage context (StageContext.resources), never at module scope, so two
 * engines (or two tests) never share state and a long session does not keep every network it ever used.
 */
import { StudioError } from './errors';

interface Entry {
  value: Promise<unknown>;
  cost: number;
}

export class LruCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  /**
   * @param maxCost the most the held entries may cost together (a positive number; e.g. bytes, or 1 per
   *   entry). An entry costlier than this alone is still returned, but not kept.
   * @throws StudioError PARAM_INVALID when maxCost is not a positive number.
   */
  constructor(readonly maxCost: number) {
    if (!(maxCost > 0)) {
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a positive number for maxCost but received ${maxCost}`,
      );
    }
  }

  /** How many entries are held. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether `key` is held (does not count as a use). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * The value for `key`, made by `create` when not held. A use makes the entry the most recent; adding one
   * evicts the least recently used until the total cost fits. A rejected promise is dropped, so the next
   * call tries again.
   * @param cost what the entry costs against maxCost (≥ 0).
   */
  get<T>(key: string, cost: number, create: () => Promise<T>): Promise<T> {
    const held = this.entries.get(key);
    if (held) {
      this.entries.delete(key);
      this.entries.set(key, held);
      return held.value as Promise<T>;
    }
    const value = create();
    const entry: Entry = { value, cost: Math.max(0, cost) };
    this.entries.set(key, entry);
    this.total += entry.cost;
    value.catch(() => this.remove(key, entry));
    this.evict();
    return value;
  }

  private remove(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.total -= entry.cost;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.maxCost) break;
      this.remove(key, entry);
    }
  }
}
