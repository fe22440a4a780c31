/**
 * Port: the projection store — where projections keep their views, their state per key, and how
 * far they have applied each source of history (docs/decisions/1000-projection-store-port.md).
 *
 * Four collections, each scoped by projection name:
 * - registration: the projection's version, config fingerprint and generation. `register` with a
 *   different version or fingerprint (or `reset`) starts a new generation and deletes everything
 *   the projection had — states, views, progress — in one atomic step: a re-versioned projection
 *   is rebuilt from nothing, never on top of the old version's results.
 * - states: one per (projection, key): the fold's state, the position reached in each source and
 *   a revision. `commit` writes a key's state and its views together, atomically, only if the
 *   stored revision is the one the writer read (compare-and-set) and the generation is current:
 *
 *       consumer (gen 3) reads k @rev 7 ─┐                 ┌─ commit k expecting 7: conflict,
 *       replay   (gen 3) reads k @rev 7 ─┴─ commit k: rev 8 ┘  re-read, skip what replay applied
 *
 *   A writer of an older generation (a stale deployment after a rebuild) gets `stale`, so it can
 *   never write into the rebuilt projection. A commit without a state (stateless projections)
 *   writes its views only, with the generation check alone.
 * - views: what readers read — JSON objects by (projection, key), scanned in key order.
 * - progress: one per (projection, source): the position up to which the source's history has
 *   been applied, and whether the projection is `rebuilding` or `live` there; compare-and-set
 *   by revision, as the consumer and a rebuild hand the source over through it.
 *
 * Keys and sources are strings compared bytewise; states and views are JSON. Adapters: memory
 * and SQLite (adapters-memory, adapters-local), both passing the contract suite.
 */
import { Context, type Effect } from "effect"
import type { Fatal, Retryable, Throttled } from "../delivery/errors.ts"
import type { Json, JsonObject } from "../telemetry/json.ts"

export interface ProjectionRegistration {
  readonly projection: string
  readonly version: number
  /** A digest of the projection's configuration: a change rebuilds it, like a new version. */
  readonly fingerprint: string
  /** 1 for the first registration, one more with every reset. */
  readonly generation: number
}

export interface StoredState {
  readonly key: string
  /** 1 once written, one more with every commit. */
  readonly revision: number
  readonly state: Json
  /** The position reached in each source (fixed-width text, compared bytewise). */
  readonly positions: Readonly<Record<string, string>>
}

export interface ViewRecord {
  readonly key: string
  readonly value: JsonObject
}

export interface KeyCommit {
  readonly key: string
  /** The revision read; 0 when the key had no state. Ignored without `state`. */
  readonly expectedRevision: number
  /** The key's new state; leave it out to write views only. */
  readonly state?: { readonly value: Json; readonly positions: Readonly<Record<string, string>> }
  /** Views to upsert with the state, atomically. */
  readonly views: ReadonlyArray<ViewRecord>
}

export type CommitResult =
  /** Every key without a conflict was written; `conflicts` lists the others (nothing of theirs was). */
  | { readonly _tag: "Committed"; readonly conflicts: ReadonlyArray<string> }
  /** The generation is no longer current: nothing was written. */
  | { readonly _tag: "Stale" }

export type ProgressStatus = "rebuilding" | "live"

export interface ProjectionProgress {
  readonly source: string
  readonly status: ProgressStatus
  /** Every event of the source at or before it has been applied; absent before the first. */
  readonly position?: string
  /** While rebuilding: the furthest position a live consumer passed without applying. */
  readonly consumerSeen?: string
  /** Events applied from this source (duplicates of applied positions not counted). */
  readonly applied: number
  /** Source-specific detail (the lake's applied objects). */
  readonly detail?: JsonObject
  /** 1 once written, one more with every put. */
  readonly revision: number
  readonly updatedAt: number
}

export type PutProgressResult = "written" | "conflict" | "stale"

export interface ViewScan {
  /** Only keys starting with this. */
  readonly prefix?: string
  /** Only keys strictly after this one, in scan order. */
  readonly after?: string
  readonly limit?: number
  /** Newest key first. */
  readonly descending?: boolean
}

export type ProjectionStoreError = Retryable | Throttled | Fatal

export class ProjectionStore extends Context.Service<
  ProjectionStore,
  {
    /** Every registered projection, by name. */
    readonly registrations: () => Effect.Effect<ReadonlyArray<ProjectionRegistration>, ProjectionStoreError>
    /** Registers a version; a new version, fingerprint or `reset` deletes the old data, atomically. */
    readonly register: (
      registration: Omit<ProjectionRegistration, "generation">,
      options?: { readonly reset?: boolean },
    ) => Effect.Effect<ProjectionRegistration, ProjectionStoreError>
    /** The stored states of these keys (absent keys have none). */
    readonly states: (
      projection: string,
      keys: ReadonlyArray<string>,
    ) => Effect.Effect<ReadonlyMap<string, StoredState>, ProjectionStoreError>
    /** Writes each key's state and views atomically, compare-and-set on the key's revision. */
    readonly commit: (
      projection: string,
      generation: number,
      commits: ReadonlyArray<KeyCommit>,
    ) => Effect.Effect<CommitResult, ProjectionStoreError>
    /** The projection's progress in every source it has any. */
    readonly progress: (
      projection: string,
    ) => Effect.Effect<ReadonlyArray<ProjectionProgress>, ProjectionStoreError>
    /** Writes progress if the stored revision is `progress.revision - 1` (0: none stored). */
    readonly putProgress: (
      projection: string,
      generation: number,
      progress: ProjectionProgress,
    ) => Effect.Effect<PutProgressResult, ProjectionStoreError>
    /** One view. */
    readonly view: (
      projection: string,
      key: string,
    ) => Effect.Effect<ViewRecord | undefined, ProjectionStoreError>
    /** Views in key order (or reversed). */
    readonly views: (
      projection: string,
      scan?: ViewScan,
    ) => Effect.Effect<ReadonlyArray<ViewRecord>, ProjectionStoreError>
  }
>()("@sluice/core/ports/ProjectionStore") {}
