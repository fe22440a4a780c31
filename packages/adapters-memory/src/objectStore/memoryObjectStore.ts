/**
 * The ObjectStore port in memory, with seeded fault injection.
 *
 * Objects live in a map from key to bytes; bodies are copied in and out, so no caller can
 * change a stored object behind the store's back. Keys follow the lake's key rule
 * (`objectKeyProblem`, Poison otherwise), listings are in ascending key order. Faults
 * (faults.ts) hit `put` and `delete` only: `throttle` and `error` fail before anything changes,
 * `timeoutAfterWrite` applies the write and then fails, `crash` dies before applying — a put is
 * atomic, so a crash never leaves part of an object (that is the property the filesystem store
 * must earn with rename). Reads never fail.
 *
 * `make`/`layer` give the Effect service; `memoryObjectStore()` also exposes the map and fault
 * counts to tests.
 */
import {
  type ObjectInfo,
  ObjectStore,
  type ObjectStoreError,
  objectKeyProblem,
  objectPrefixProblem,
  Poison,
  Retryable,
  Throttled,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { type FaultInjector, type FaultPlan, makeFaultInjector, SimulatedCrash } from "../faults.ts"

export interface MemoryObjectStoreOptions {
  readonly faults?: FaultPlan
  readonly seed?: number
}

export interface MemoryObjectStoreState {
  readonly objects: Map<string, Uint8Array>
  readonly injector: FaultInjector
}

const invalidKey = (key: string): Effect.Effect<never, ObjectStoreError> | undefined => {
  const problem = objectKeyProblem(key)
  return problem === undefined
    ? undefined
    : Effect.fail(new Poison({ reason: `object key ${JSON.stringify(key)} ${problem}` }))
}

/** Runs a write under the injected faults: `apply` happens unless the fault prevents it. */
const faulty = (
  state: MemoryObjectStoreState,
  what: string,
  apply: () => void,
): Effect.Effect<void, ObjectStoreError> =>
  Effect.suspend((): Effect.Effect<void, ObjectStoreError> => {
    const fault = state.injector.draw(false)
    if (fault === "throttle") return Effect.fail(new Throttled({ reason: `simulated throttling of ${what}` }))
    if (fault === "error")
      return Effect.fail(new Retryable({ reason: `simulated transient error in ${what}` }))
    if (fault === "crash") return Effect.die(new SimulatedCrash(`simulated crash before ${what}`))
    apply()
    if (fault === "timeoutAfterWrite") {
      return Effect.fail(new Retryable({ reason: `simulated timeout after ${what} succeeded` }))
    }
    return Effect.void
  })

export const makeService = (state: MemoryObjectStoreState): ObjectStore["Service"] =>
  ObjectStore.of({
    put: (key, body) =>
      invalidKey(key) ?? faulty(state, `put ${key}`, () => state.objects.set(key, Uint8Array.from(body))),
    get: (key) =>
      invalidKey(key) ??
      Effect.sync(() => {
        const body = state.objects.get(key)
        return body === undefined ? undefined : Uint8Array.from(body)
      }),
    list: (prefix) => {
      const problem = objectPrefixProblem(prefix)
      if (problem !== undefined) {
        return Effect.fail(new Poison({ reason: `listing prefix ${JSON.stringify(prefix)} ${problem}` }))
      }
      return Effect.sync(() =>
        [...state.objects.entries()]
          .filter(([key]) => key.startsWith(prefix))
          .map(([key, body]): ObjectInfo => ({ key, size: body.byteLength }))
          .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))),
      )
    },
    delete: (key) => invalidKey(key) ?? faulty(state, `delete ${key}`, () => state.objects.delete(key)),
  })

export const makeState = (options: MemoryObjectStoreOptions = {}): MemoryObjectStoreState => ({
  objects: new Map(),
  injector: makeFaultInjector(options.faults, options.seed),
})

export const make = (options: MemoryObjectStoreOptions = {}): ObjectStore["Service"] =>
  makeService(makeState(options))

export const layer = (options: MemoryObjectStoreOptions = {}): Layer.Layer<ObjectStore> =>
  Layer.sync(ObjectStore, () => make(options))

/** The service and its state, for tests that inspect what was stored. */
export const memoryObjectStore = (options: MemoryObjectStoreOptions = {}) => {
  const state = makeState(options)
  return { service: makeService(state), state }
}
