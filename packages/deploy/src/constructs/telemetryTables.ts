/**
 * The DynamoDB tables the consumer writes, mirroring adapters-aws's table definitions
 * (packages/adapters-aws/src/dynamodb/tableDefinitions.ts):
 *
 * - readings: `deviceId` (HASH) + `ts` (RANGE), one item per reading — the hands-on's table;
 *   items expire through TTL on the configured attribute (epoch seconds, written by the
 *   consumer when `readingsTtlDays` > 0);
 * - latest state: `deviceId` (HASH), one item per device, moved forward by conditional puts;
 * - dead letters: `id` (HASH), the records that can never succeed, with their reasons; they
 *   expire through the same TTL attribute.
 *
 * All on-demand (no capacity to size; idle costs nothing but storage), with point-in-time
 * recovery (35 days of restores, cdk-nag AwsSolutions-DDB3) and the default AWS-owned
 * encryption key (free, no key policy; a customer key adds cost without a reader to restrict).
 */
import type { RemovalPolicy } from "aws-cdk-lib"
import * as dynamodb from "aws-cdk-lib/aws-dynamodb"
import { Construct } from "constructs"

export interface TelemetryTablesProps {
  readonly namePrefix: string
  readonly ttlAttribute: string
  readonly removalPolicy: RemovalPolicy
}

const S = dynamodb.AttributeType.STRING

export class TelemetryTables extends Construct {
  readonly readings: dynamodb.Table
  readonly latestState: dynamodb.Table
  readonly deadLetters: dynamodb.Table

  constructor(scope: Construct, id: string, props: TelemetryTablesProps) {
    super(scope, id)
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
    }
    this.readings = new dynamodb.Table(this, "Readings", {
      ...common,
      tableName: `${props.namePrefix}-readings`,
      partitionKey: { name: "deviceId", type: S },
      sortKey: { name: "ts", type: S },
      timeToLiveAttribute: props.ttlAttribute,
    })
    this.latestState = new dynamodb.Table(this, "LatestState", {
      ...common,
      tableName: `${props.namePrefix}-latest-state`,
      partitionKey: { name: "deviceId", type: S },
    })
    this.deadLetters = new dynamodb.Table(this, "DeadLetters", {
      ...common,
      tableName: `${props.namePrefix}-dead-letters`,
      partitionKey: { name: "id", type: S },
      timeToLiveAttribute: props.ttlAttribute,
    })
  }
}
