/**
 * `@sluice/simulation/hostile`: the hostile-input corpus and fuzzers, shared by the pure tests
 * here and the tests against a running stack (packages/cli/test/hostile).
 */
export {
  type DeviceNameCase,
  deviceNameCases,
  type HttpCase,
  httpCases,
  type PayloadCase,
  payloadCases,
  type RulesFileCase,
  rulesFileCases,
  type TopicCase,
  topicCases,
} from "./corpus.ts"
export {
  hostileDeviceName,
  hostileJsonText,
  hostilePayload,
  hostileRulesText,
  hostileSql,
  hostileString,
  hostileTopic,
} from "./fuzz.ts"
