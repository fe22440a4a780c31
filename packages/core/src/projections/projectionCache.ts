/**
 * What a live applier (the Kinesis consumer) keeps of its projections between batches: each
 * key's last committed state, and each projection's registered generation — so a batch reads
 * from the store only the keys it has never seen, and does not ask for the registration again.
 *
 * Write-through: a state enters the cache only as the store has it — read from it, or just
 * committed to it — and leaves it while a fold works on it (`take`), coming back only if the
 * commit succeeded. A failure, a crash mid-commit or an interruption therefore leaves the key
 * out, to be read from the store next time. The store stays the durable copy and the arbiter:
 * commits are compare-and-set on the key's revision and refused for a stale generation, so a
 * state that another applier changed meanwhile (a rebuild, `sluice replay`, another Lambda
 * container) costs one conflict and a re-read, never a wrong result (decision 0921).
 *
 * Bounded: beyond `maxKeys` per projection the least recently used keys are dropped (a Map keeps
 * insertion order; a key used again is moved to the end).
 */
import type { StoredState } from "../ports/projectionStore.ts"

/** Keys kept per projection: 20,000 devices of aggregates is a few tens of MB. */
export const DEFAULT_CACHED_KEYS = 20_000

interface Cached {
  generation: number
  readonly states: Map<string, StoredState>
}

export class ProjectionCache {
  private readonly byProjection = new Map<string, Cached>()
  private readonly generations = new Map<string, number>()

  constructor(private readonly maxKeys = DEFAULT_CACHED_KEYS) {}

  /** The generation the projection was last found registered under, if known. */
  generationOf(projection: string): number | undefined {
    return this.generations.get(projection)
  }

  setGeneration(projection: string, generation: number): void {
    this.generations.set(projection, generation)
  }

  /** Forgets the projection entirely: its generation is no longer current, or unknown. */
  forget(projection: string): void {
    this.generations.delete(projection)
    this.byProjection.delete(projection)
  }

  private statesOf(projection: string, generation: number): Map<string, StoredState> {
    let cached = this.byProjection.get(projection)
    if (cached === undefined || cached.generation !== generation) {
      cached = { generation, states: new Map() }
      this.byProjection.set(projection, cached)
    }
    return cached.states
  }

  /** Removes and returns the key's state (a fold now owns it); undefined when not cached. */
  take(projection: string, generation: number, key: string): StoredState | undefined {
    const states = this.statesOf(projection, generation)
    const state = states.get(key)
    if (state !== undefined) states.delete(key)
    return state
  }

  /** Records a state as the store holds it. */
  put(projection: string, generation: number, state: StoredState): void {
    const states = this.statesOf(projection, generation)
    states.delete(state.key)
    states.set(state.key, state)
    if (states.size > this.maxKeys) {
      const oldest = states.keys().next()
      if (!oldest.done) states.delete(oldest.value)
    }
  }
}
