/**
 * What the handlers accept as a projection store — the Effect service, or an adapter's object
 * carrying it (`sqliteProjectionStore(…)`, `memoryProjectionStore()`) — and the stand-in used when
 * none is configured: a windowed invocation with no projections never touches it, anything else
 * that does is a configuration error (Fatal).
 */
import { Effect } from "effect"
import { Fatal } from "../delivery/errors.ts"
import { ProjectionStore } from "../ports/projectionStore.ts"

export type ProjectionStoreLike =
  | ProjectionStore["Service"]
  | { readonly service: ProjectionStore["Service"] }

export const projectionStoreServiceOf = (store: ProjectionStoreLike): ProjectionStore["Service"] =>
  "service" in store ? store.service : store

const missing = () =>
  Effect.fail(new Fatal({ reason: "projections need a projectionStore; none is configured" }))

export const noProjectionStore: ProjectionStore["Service"] = ProjectionStore.of({
  registrations: missing,
  register: missing,
  states: missing,
  commit: missing,
  progress: missing,
  putProgress: missing,
  view: missing,
  views: missing,
})
