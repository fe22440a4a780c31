/**
 * What one shard poller needs: the stream and checkpoint ports, the handler, the mapping's
 * settings (core's EventSourceMappingConfig, tumbling windows included), its identity and clock,
 * where discarded records go, and the stop signal it shares with the other shards.
 */
import type {
  Checkpoints,
  EsmKinesisEvent,
  EsmKinesisWindowEvent,
  EventSourceIdentity,
  EventSourceMappingConfig,
  RetryPolicy,
  StartPosition,
  Stream,
} from "@sluice/core"
import type { LambdaContext } from "./lambdaContext.ts"
import type { OnFailureRecordSender } from "./shardStatus.ts"
import type { StopSignal } from "./stopSignal.ts"

/**
 * Any Lambda handler for Kinesis: `kinesisConsumer(…)` or your own. With tumbling windows the
 * event also carries the window's fields (`EsmKinesisWindowEvent`).
 */
export type KinesisLambdaHandler = (
  event: EsmKinesisEvent | EsmKinesisWindowEvent,
  context: LambdaContext,
) => unknown

export interface ShardPollerSettings {
  readonly shardId: string
  readonly consumer: string
  readonly stream: Stream["Service"]
  readonly checkpoints: Checkpoints["Service"]
  readonly handler: KinesisLambdaHandler
  readonly config: EventSourceMappingConfig
  readonly source: EventSourceIdentity
  readonly functionName: string
  readonly functionArn: string
  readonly startingPosition: StartPosition
  readonly timeoutMs: number
  readonly pollIntervalMs: number
  readonly retryPolicy: RetryPolicy
  readonly now: () => number
  readonly random: () => number
  readonly sendDiscard: OnFailureRecordSender
  readonly onError: (message: string) => void
  readonly stop: StopSignal
}
