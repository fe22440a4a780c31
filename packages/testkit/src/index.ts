export { checkAsyncProperty, checkProperty, numRuns, propertyParams } from "./property.ts"
export { freePort } from "./ports.ts"
export { type WaitOptions, waitFor } from "./waitFor.ts"
