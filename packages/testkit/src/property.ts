/**
 * Property-test sizing and replay.
 *
 * `npm test` runs each property at its base size so CI stays quick; `npm run test:deep` sets
 * SLUICE_PROPERTY_SCALE=100 for a hundred times more cases. fast-check prints the seed and path
 * of a failure; set FC_SEED (and FC_PATH) to replay exactly that case.
 *
 * Seeded by default (DEFAULT_SEED): a test run is deterministic, so a red CI is a real failure
 * and not the luck of the draw (a random seed once turned CI red on -0, which JSON cannot carry,
 * in a generator). To explore beyond the fixed cases, set FC_SEED to another number, or to
 * `random` for fast-check's own.
 */
import fc from "fast-check"

const scale = (): number => {
  const raw = Number(process.env.SLUICE_PROPERTY_SCALE ?? "1")
  return Number.isFinite(raw) && raw > 0 ? raw : 1
}

/** The seed of every property unless FC_SEED says otherwise. */
export const DEFAULT_SEED = 20_261_126

/** How many runs a property with this base size gets under the current scale. */
export const numRuns = (base: number): number => Math.max(1, Math.round(base * scale()))

/** Parameters for fc.assert: scaled runs, and a replayed seed/path when FC_SEED is set. */
export const propertyParams = <T>(base: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> => {
  const seed = process.env.FC_SEED ?? String(DEFAULT_SEED)
  const path = process.env.FC_PATH
  return {
    numRuns: numRuns(base),
    ...(seed === "random" ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
    ...extra,
  }
}

/** fc.assert with scaled runs; on failure fast-check's message carries `seed` and `path`. */
export const checkProperty = <T>(property: fc.IProperty<T>, base = 100, extra: fc.Parameters<T> = {}): void =>
  fc.assert(property, propertyParams(base, extra))

/** Async variant of checkProperty. */
export const checkAsyncProperty = <T>(
  property: fc.IAsyncProperty<T>,
  base = 50,
  extra: fc.Parameters<T> = {},
): Promise<void> => fc.assert(property, propertyParams(base, extra))
