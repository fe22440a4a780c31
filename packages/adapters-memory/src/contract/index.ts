/**
 * The shared contract suite: `suite(name, { table, deadLetters, … })` runs, for each port an
 * adapter family provides, the same tests every other family passes. Each factory must return
 * a layer over a fresh, empty instance.
 */
import type { DeadLetters, SearchIndex, Table } from "@sluice/core"
import { deadLettersSuite } from "./deadLettersSuite.ts"
import type { LayerFactory } from "./run.ts"
import { searchIndexSuite } from "./searchIndexSuite.ts"
import { tableSuite } from "./tableSuite.ts"

export interface AdapterFamily {
  readonly table?: LayerFactory<Table>
  readonly deadLetters?: LayerFactory<DeadLetters>
  readonly searchIndex?: LayerFactory<SearchIndex>
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
}

export { deadLettersSuite } from "./deadLettersSuite.ts"
export { type LayerFactory, runWith } from "./run.ts"
export { searchIndexSuite } from "./searchIndexSuite.ts"
export { tableSuite } from "./tableSuite.ts"
