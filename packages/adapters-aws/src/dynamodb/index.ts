export { type AttributeMap, decodeItem, encodeItem, JSON_ATTRIBUTE } from "./attributeValues.ts"
export { BATCH_WRITE_MAX_ITEMS, type DynamoApi } from "./dynamoApi.ts"
export * as DynamoDeadLetters from "./dynamoDeadLetters.ts"
export { type DynamoDeadLettersOptions, dynamoDeadLetters, MAX_PAYLOAD_CHARS } from "./dynamoDeadLetters.ts"
export { classifyDynamoError } from "./dynamoErrors.ts"
export * as DynamoTable from "./dynamoTable.ts"
export { type DynamoTableOptions, dynamoTable, type TimeToLive } from "./dynamoTable.ts"
export { LATEST_CONDITION } from "./latestState.ts"
export {
  deadLettersTableDefinition,
  latestStateTableDefinition,
  readingsTableDefinition,
} from "./tableDefinitions.ts"
