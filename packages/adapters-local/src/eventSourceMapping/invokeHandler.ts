/**
 * One invocation of a local Lambda handler, as Lambda runs it: the event and a context, raced
 * against the function timeout. A throw is the function error; a timeout resolves as `TimedOut`
 * while the handler keeps running in the background (there is no sandbox to freeze).
 */
import type { InvocationOutcome } from "@sluice/core"
import type { LambdaContext } from "./lambdaContext.ts"

export const invokeWithTimeout = async (
  handler: (event: never, context: LambdaContext) => unknown,
  event: unknown,
  context: LambdaContext,
  timeoutMs: number,
): Promise<InvocationOutcome> => {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ _tag: "TimedOut", afterMs: timeoutMs }), timeoutMs)
  })
  const call = (async () => handler(event as never, context))().then(
    (response): InvocationOutcome => ({ _tag: "Returned", response }),
    (error: unknown): InvocationOutcome => ({ _tag: "Threw", error }),
  )
  try {
    return await Promise.race([call, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
