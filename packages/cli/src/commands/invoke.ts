/**
 * What every `sluice invoke <handler>` shares: the `--event`/`--data-dir`/`--timeout` options,
 * reading the event file (`-` for stdin; not JSON or the wrong shape is a usage error, exit 2),
 * a Lambda context counting down to the timeout, and printing the outcome as `sam local invoke`
 * does — the response as one JSON line, or on a rejected invocation Lambda's error shape
 * `{"errorType","errorMessage"}` and exit 1. A new handler kind is one more file beside
 * invokeKinesis.ts.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { DEFAULT_DATA_DIR, type LambdaContext, lambdaContextOf } from "@sluice/adapters-local"
import { type CommandIO, type OptionSpec, UsageError } from "../command.ts"

export const invokeOptions = (what: string): Readonly<Record<string, OptionSpec>> => ({
  event: {
    type: "string",
    valueName: "FILE",
    description: `the ${what} event (JSON; - for stdin)`,
    required: true,
  },
  "data-dir": {
    type: "string",
    valueName: "DIR",
    description: "the local stack's data directory",
    default: DEFAULT_DATA_DIR,
  },
  timeout: {
    type: "string",
    valueName: "MS",
    description: "the function timeout, as context.getRemainingTimeInMillis sees it",
    default: "30000",
  },
})

/** Reads and parses the event file; `isEvent` names what is missing when the shape is wrong. */
export const readEventFile = <E>(
  file: string,
  cwd: string,
  isEvent: (value: unknown) => string | undefined,
): E => {
  let text: string
  try {
    text = readFileSync(file === "-" ? 0 : resolve(cwd, file), "utf8")
  } catch (error) {
    throw new UsageError(`cannot read --event ${file}: ${(error as Error).message}`)
  }
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--event ${file} is not JSON: ${(error as Error).message}`)
  }
  const problem = isEvent(event)
  if (problem !== undefined) throw new UsageError(`--event ${file} ${problem}`)
  return event as E
}

export const timeoutOf = (value: unknown): number => {
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`--timeout must be a positive number of milliseconds`)
  return ms
}

/** A Lambda context for one local invocation. */
export const invocationContext = (functionName: string, timeoutMs: number): LambdaContext =>
  lambdaContextOf({ functionName, deadline: Date.now() + timeoutMs })

/** Runs the handler and prints what Lambda would return: the response, or the error shape (exit 1). */
export const printInvocation = async (io: CommandIO, invoke: () => Promise<unknown>): Promise<number> => {
  try {
    const response = await invoke()
    io.stdout(`${JSON.stringify(response ?? null)}\n`)
    return 0
  } catch (error) {
    const errorType = error instanceof Error ? error.name : typeof error
    const errorMessage = error instanceof Error ? error.message : String(error)
    io.stdout(`${JSON.stringify({ errorType, errorMessage })}\n`)
    return 1
  }
}
