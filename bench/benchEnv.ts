/**
 * Benchmark sizes from the environment, so a quick run can shrink any suite:
 * `SLUICE_BENCH_<SUITE>_<KNOB>=…` (each suite's header lists its knobs). Unset or not a
 * positive number: the default, which is what `npm run bench` and BENCHMARKS.md use.
 */
export const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** A comma-separated list, or undefined when unset. */
export const envList = (name: string): ReadonlyArray<string> | undefined =>
  process.env[name]?.split(",").filter((item) => item !== "")

/** A string setting, or undefined when unset or empty. */
export const envString = (name: string): string | undefined => process.env[name] || undefined
