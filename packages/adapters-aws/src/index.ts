/**
 * @sluice/adapters-aws — the pipeline's ports over AWS services: Kinesis (Stream, ordered
 * producer), DynamoDB (Table, DeadLetters), OpenSearch, and the data lake's Firehose and S3;
 * the Lambda entry modules live in src/lambda and are bundled on their own.
 */
export * from "./dynamodb/index.ts"
export * from "./firehose/index.ts"
export * from "./kinesis/index.ts"
export * from "./opensearch/index.ts"
export * from "./s3/index.ts"
