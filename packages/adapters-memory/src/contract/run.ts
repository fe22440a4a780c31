/**
 * Runs a contract test body against a fresh instance of the adapter: the factory's layer is
 * built for the one test and released after it (closing files, dropping tables).
 */
import { Effect, type Layer } from "effect"

export type LayerFactory<S> = () => Layer.Layer<S, unknown>

export const runWith = <S, A, E>(make: LayerFactory<S>, body: Effect.Effect<A, E, S>): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.provide(body, make())) as Effect.Effect<A, E>)
