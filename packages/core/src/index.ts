/**
 * @sluice/core — the pure domain of Sluice: telemetry, batching, delivery, idempotent writes,
 * the ports every adapter implements, and (as they land) the rules engine and the Lambda
 * handlers. No I/O happens here.
 */
export * from "./batching/index.ts"
export * from "./consumer/eventSourceMapping.ts"
export * from "./consumer/index.ts"
export * from "./delivery/index.ts"
export * from "./facade/index.ts"
export * from "./idempotency/index.ts"
export * from "./lake/index.ts"
export * from "./ports/index.ts"
export * from "./projections/index.ts"
export * from "./rules/index.ts"
export * from "./search/index.ts"
export * from "./shadow/index.ts"
export * from "./telemetry/index.ts"
