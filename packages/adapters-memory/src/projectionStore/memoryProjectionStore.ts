/**
 * The ProjectionStore port in memory, with seeded faults.
 *
 * Everything is stored as JSON text, as the SQLite adapter stores it: a state or view that is not
 * JSON fails here as it would there, and no caller can mutate what was stored through a reference
 * it kept. Each operation applies atomically (there is no await inside one), which is what the
 * port asks of `register` and of each key in `commit`.
 *
 * Faults (writes only; reads never fail, so tests can inspect): `error` fails before applying,
 * `timeoutAfterWrite` applies then fails Retryable (the caller cannot tell it landed), `crash`
 * applies a prefix of a commit's keys then dies with a `SimulatedCrash` defect — a process killed
 * mid-commit, each key all or nothing.
 */
import {
  type CommitResult,
  type ProjectionProgress,
  type ProjectionRegistration,
  ProjectionStore,
  type ProjectionStoreError,
  Retryable,
  type StoredState,
  type ViewRecord,
  type ViewScan,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { SimulatedCrash } from "../faults.ts"
import { seededRandom } from "../seededRandom.ts"

export interface MemoryProjectionStoreOptions {
  readonly faults?: { readonly error?: number; readonly timeoutAfterWrite?: number; readonly crash?: number }
  readonly seed?: number
}

export interface MemoryProjectionStoreState {
  readonly registrations: Map<string, ProjectionRegistration>
  /** projection → key → { revision, JSON of state and positions } */
  readonly states: Map<string, Map<string, { revision: number; json: string }>>
  readonly views: Map<string, Map<string, string>>
  readonly progress: Map<string, Map<string, string>>
  /** Writes applied, for tests. */
  readonly writes: { commits: number; progress: number }
}

export const makeState = (): MemoryProjectionStoreState => ({
  registrations: new Map(),
  states: new Map(),
  views: new Map(),
  progress: new Map(),
  writes: { commits: 0, progress: 0 },
})

const inner = <V>(outer: Map<string, Map<string, V>>, name: string): Map<string, V> => {
  let map = outer.get(name)
  if (map === undefined) {
    map = new Map()
    outer.set(name, map)
  }
  return map
}

export const makeService = (
  state: MemoryProjectionStoreState,
  options: MemoryProjectionStoreOptions = {},
): ProjectionStore["Service"] => {
  const random = seededRandom(options.seed ?? 1)
  const draw = (p: number | undefined) => p !== undefined && p > 0 && random.next() < p
  /** A write: maybe fails before, applies, maybe fails after. */
  const write = <A>(apply: () => A): Effect.Effect<A, ProjectionStoreError> =>
    Effect.suspend(() => {
      if (draw(options.faults?.error)) return Effect.fail(new Retryable({ reason: "simulated store error" }))
      const result = apply()
      if (draw(options.faults?.timeoutAfterWrite))
        return Effect.fail(new Retryable({ reason: "simulated timeout after the write" }))
      return Effect.succeed(result)
    })
  const current = (projection: string, generation: number) =>
    state.registrations.get(projection)?.generation === generation

  return ProjectionStore.of({
    registrations: () =>
      Effect.sync(() =>
        [...state.registrations.values()].sort((a, b) => (a.projection < b.projection ? -1 : 1)),
      ),
    register: (registration, registerOptions = {}) =>
      write(() => {
        const known = state.registrations.get(registration.projection)
        if (
          known !== undefined &&
          registerOptions.reset !== true &&
          known.version === registration.version &&
          known.fingerprint === registration.fingerprint
        )
          return known
        const next = { ...registration, generation: (known?.generation ?? 0) + 1 }
        state.registrations.set(registration.projection, next)
        state.states.delete(registration.projection)
        state.views.delete(registration.projection)
        state.progress.delete(registration.projection)
        return next
      }),
    states: (projection, keys) =>
      Effect.sync(() => {
        const stored = state.states.get(projection)
        const found = new Map<string, StoredState>()
        for (const key of keys) {
          const row = stored?.get(key)
          if (row === undefined) continue
          const { state: value, positions } = JSON.parse(row.json)
          found.set(key, { key, revision: row.revision, state: value, positions })
        }
        return found
      }),
    commit: (projection, generation, commits) =>
      Effect.suspend((): Effect.Effect<CommitResult, ProjectionStoreError> => {
        if (draw(options.faults?.error))
          return Effect.fail(new Retryable({ reason: "simulated store error" }))
        if (!current(projection, generation)) return Effect.succeed({ _tag: "Stale" })
        const states = inner(state.states, projection)
        const views = inner(state.views, projection)
        const crashAt = draw(options.faults?.crash) ? random.int(commits.length + 1) : -1
        const conflicts: string[] = []
        for (const [index, commit] of commits.entries()) {
          if (index === crashAt)
            return Effect.die(new SimulatedCrash(`simulated crash after ${index} of ${commits.length} keys`))
          if (commit.state !== undefined) {
            const revision = states.get(commit.key)?.revision ?? 0
            if (revision !== commit.expectedRevision) {
              conflicts.push(commit.key)
              continue
            }
            const json = JSON.stringify({ state: commit.state.value, positions: commit.state.positions })
            states.set(commit.key, { revision: revision + 1, json })
          }
          for (const view of commit.views) views.set(view.key, JSON.stringify(view.value))
        }
        state.writes.commits++
        if (draw(options.faults?.timeoutAfterWrite))
          return Effect.fail(new Retryable({ reason: "simulated timeout after the commit" }))
        return Effect.succeed({ _tag: "Committed", conflicts })
      }),
    progress: (projection) =>
      Effect.sync(() =>
        [...(state.progress.get(projection)?.values() ?? [])]
          .map((json) => JSON.parse(json) as ProjectionProgress)
          .sort((a, b) => (a.source < b.source ? -1 : 1)),
      ),
    putProgress: (projection, generation, progress) =>
      write(() => {
        if (!current(projection, generation)) return "stale" as const
        const all = inner(state.progress, projection)
        const known = all.get(progress.source)
        const revision = known === undefined ? 0 : (JSON.parse(known) as ProjectionProgress).revision
        if (progress.revision !== revision + 1) return "conflict" as const
        all.set(progress.source, JSON.stringify(progress))
        state.writes.progress++
        return "written" as const
      }),
    view: (projection, key) =>
      Effect.sync(() => {
        const json = state.views.get(projection)?.get(key)
        return json === undefined ? undefined : { key, value: JSON.parse(json) }
      }),
    views: (projection, scan: ViewScan = {}) =>
      Effect.sync(() => {
        const stored = state.views.get(projection)
        if (stored === undefined) return []
        const prefix = scan.prefix ?? ""
        const keys = [...stored.keys()].filter((key) => key.startsWith(prefix)).sort()
        if (scan.descending) keys.reverse()
        const after = scan.after
        const from =
          after === undefined ? keys : keys.filter((key) => (scan.descending ? key < after : key > after))
        return from
          .slice(0, scan.limit ?? from.length)
          .map((key): ViewRecord => ({ key, value: JSON.parse(stored.get(key) as string) }))
      }),
  })
}

export const make = (options: MemoryProjectionStoreOptions = {}): ProjectionStore["Service"] =>
  makeService(makeState(), options)

export const layer = (options: MemoryProjectionStoreOptions = {}): Layer.Layer<ProjectionStore> =>
  Layer.sync(ProjectionStore, () => make(options))

/** The service with its state, for tests that inspect or share it. */
export const memoryProjectionStore = (options: MemoryProjectionStoreOptions = {}) => {
  const state = makeState()
  return { service: makeService(state, options), state }
}
export type MemoryProjectionStore = ReturnType<typeof memoryProjectionStore>
