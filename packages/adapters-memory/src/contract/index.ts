/**
 * The shared contract suite: `suite(name, { table, deadLetters, … })` runs, for each port an
 * adapter family provides, the same tests every other family passes. Each factory must return
 * a layer over a fresh, empty instance.
 */
import type {
  Checkpoints,
  DeadLetters,
  DeliveryStream,
  ObjectStore,
  ProjectionStore,
  SearchIndex,
  Stream,
  Table,
} from "@sluice/core"
import { checkpointsSuite } from "./checkpointsSuite.ts"
import { deadLettersSuite } from "./deadLettersSuite.ts"
import { type DeliveredLines, deliveryStreamSuite } from "./deliveryStreamSuite.ts"
import { objectStoreSuite } from "./objectStoreSuite.ts"
import { projectionStoreSuite } from "./projectionStoreSuite.ts"
import type { LayerFactory } from "./run.ts"
import { searchIndexSuite } from "./searchIndexSuite.ts"
import { streamSuite } from "./streamSuite.ts"
import { tableSuite } from "./tableSuite.ts"

export interface AdapterFamily {
  readonly table?: LayerFactory<Table>
  readonly deadLetters?: LayerFactory<DeadLetters>
  readonly searchIndex?: LayerFactory<SearchIndex>
  readonly stream?: LayerFactory<Stream>
  readonly checkpoints?: LayerFactory<Checkpoints>
  readonly objectStore?: LayerFactory<ObjectStore>
  /** A delivery stream together with what it delivered (see deliveryStreamSuite.ts). */
  readonly deliveryStream?: LayerFactory<DeliveryStream | DeliveredLines>
  readonly projectionStore?: LayerFactory<ProjectionStore>
  /** Runs of the model-based property test (lower it for slow stores). */
  readonly propertyRuns?: number
}

export const suite = (name: string, family: AdapterFamily): void => {
  if (family.table)
    tableSuite(
      name,
      family.table,
      family.propertyRuns === undefined ? {} : { propertyRuns: family.propertyRuns },
    )
  if (family.deadLetters) deadLettersSuite(name, family.deadLetters)
  if (family.searchIndex) searchIndexSuite(name, family.searchIndex)
  const runs = family.propertyRuns === undefined ? {} : { propertyRuns: family.propertyRuns }
  if (family.stream) streamSuite(name, family.stream, runs)
  if (family.checkpoints) checkpointsSuite(name, family.checkpoints, runs)
  if (family.objectStore) objectStoreSuite(name, family.objectStore, runs)
  if (family.deliveryStream) deliveryStreamSuite(name, family.deliveryStream)
  if (family.projectionStore) projectionStoreSuite(name, family.projectionStore, runs)
}

export { checkpointsSuite } from "./checkpointsSuite.ts"
export { deadLettersSuite } from "./deadLettersSuite.ts"
export { DeliveredLines, deliveryStreamSuite } from "./deliveryStreamSuite.ts"
export { HOSTILE_KEYS, objectStoreSuite } from "./objectStoreSuite.ts"
export { projectionStoreSuite } from "./projectionStoreSuite.ts"
export { type LayerFactory, runWith } from "./run.ts"
export { searchIndexSuite } from "./searchIndexSuite.ts"
export { readAll, readEverything, streamSuite } from "./streamSuite.ts"
export { tableSuite } from "./tableSuite.ts"
