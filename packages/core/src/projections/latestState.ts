/**
 * The device latest-state record as a projection: each reading asks for `PutLatestIfNewer` of its
 * table item — the very intent `intentsOf` has always produced, into the same Table collection.
 *
 * It is stateless: the table's conditional write is the fold (`max` by sort key), so it needs no
 * state of its own and no positions, and applying a reading twice, late or out of order changes
 * nothing. The Kinesis consumer does not run it through the generic projection path: its own
 * batch code writes one conditional put per device per batch (kinesisLatest.ts), which is the same
 * fold, cheaper. Replays and rebuilds run it like any other projection.
 */
import { itemOf } from "../idempotency/intents.ts"
import type { Projection } from "./projection.ts"

export const LATEST_STATE = "latest-state"

export const latestState: Projection<null> = {
  name: LATEST_STATE,
  version: 1,
  initial: null,
  stateless: true,
  apply: (_state, event) => ({
    state: null,
    intents: [{ _tag: "PutLatestIfNewer", id: event.id, item: itemOf(event.reading) }],
  }),
}
