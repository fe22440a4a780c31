export { type ExecuteOptions, executeIntents, itemBytes } from "./executeIntents.ts"
export { intentsOf, itemOf, type WriteIntent } from "./intents.ts"
export { putLatestStates, type WriteFailures, type WriteOptions, writeReadings } from "./writeReadings.ts"
