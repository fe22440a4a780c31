export type { FirehoseApi } from "./firehoseApi.ts"
export type { FirehoseDeliveryStreamOptions } from "./firehoseDeliveryStream.ts"
export * as FirehoseDeliveryStream from "./firehoseDeliveryStream.ts"
export { classifyFirehoseError, classifyRecordError, type FirehoseCallError } from "./firehoseErrors.ts"
