/**
 * @sluice/simulation — the deterministic simulation of the whole pipeline (devices, broker,
 * rules, streams, event-source mapping, consumer, table, lake, search) on a virtual clock, with
 * faults in every port, checking DESIGN.md's invariants after every step; and the hostile-input
 * corpus and fuzzers (`@sluice/simulation/hostile`).
 */
export { drain, MAX_ROUNDS } from "./drain.ts"
export { formatFailure, type RunSeedOptions, runSeed, type SeedOutcome, scenarioOfSeed } from "./explore.ts"
export { type Checker, makeChecker, type Violation } from "./invariants/check.ts"
export type { Command, DeviceSpec, FaultRates, PayloadKind, Scenario, SimConfig } from "./scenario.ts"
export { PAYLOAD_KINDS, SIM_START_MS } from "./scenario.ts"
export { commandArbitrary, configArbitrary, scenarioArbitrary } from "./scenarioArbitrary.ts"
export { type SimResult, simulate } from "./simulate.ts"
export { addOutcome, emptyTotals, formatTotals, type Totals } from "./summary.ts"
export { makeVirtualRuntime, type VirtualRuntime } from "./virtualRuntime.ts"
export { type Mutant, makeWorld, type World, type WorldOptions } from "./world/world.ts"
