/**
 * The Lambda `context` a locally invoked handler receives: the fields of the Node.js runtime's
 * context object that handlers read (Lambda developer guide, "Using the Lambda context object to
 * retrieve Node.js function information"), with `getRemainingTimeInMillis` counting down to the
 * invocation's deadline. Legacy `done`/`succeed`/`fail` are absent (async handlers only).
 */
import { randomUUID } from "node:crypto"
import { functionArnOf, LOCAL_REGION } from "@sluice/core"

export interface LambdaContext {
  readonly functionName: string
  readonly functionVersion: string
  readonly invokedFunctionArn: string
  readonly memoryLimitInMB: string
  readonly awsRequestId: string
  readonly logGroupName: string
  readonly logStreamName: string
  callbackWaitsForEmptyEventLoop: boolean
  getRemainingTimeInMillis(): number
}

export interface LambdaContextOptions {
  readonly functionName: string
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadline: number
  readonly now?: () => number
  readonly region?: string
  readonly awsRequestId?: string
  readonly memoryLimitInMB?: number
}

export const lambdaContextOf = (options: LambdaContextOptions): LambdaContext => {
  const now = options.now ?? Date.now
  const day = new Date(now()).toISOString().slice(0, 10).replaceAll("-", "/")
  return {
    functionName: options.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArnOf(options.functionName, options.region ?? LOCAL_REGION),
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]local`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, options.deadline - now()),
  }
}
