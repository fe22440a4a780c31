/**
 * A DynamoDB client that misbehaves as DynamoDB may, in front of a real one (dynalite):
 * BatchWriteItem leaves chosen items unprocessed (not written, returned in UnprocessedItems),
 * and any command can be made to throw a service error first. Every command is counted.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from "@aws-sdk/client-dynamodb"
import type { DynamoApi } from "../../src/dynamodb/index.ts"

export interface FaultyDynamo {
  readonly client: DynamoApi
  readonly counts: Map<string, number>
  /** Throws this error from the next command of the given name (once). */
  readonly failNext: (command: string, error: Error) => void
}

export const serviceError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status },
    $fault: status >= 500 ? "server" : "client",
  })

export const faultyDynamo = (
  real: DynamoDBClient,
  leaveUnprocessed: (request: WriteRequest) => boolean = () => false,
): FaultyDynamo => {
  const counts = new Map<string, number>()
  const pending = new Map<string, Error>()
  const send = async (command: { constructor: { name: string } }) => {
    const name = command.constructor.name
    counts.set(name, (counts.get(name) ?? 0) + 1)
    const error = pending.get(name)
    if (error) {
      pending.delete(name)
      throw error
    }
    if (!(command instanceof BatchWriteItemCommand)) return real.send(command as never)
    const requested = command.input.RequestItems ?? {}
    const toSend: Record<string, WriteRequest[]> = {}
    const unprocessed: Record<string, WriteRequest[]> = {}
    for (const [table, requests] of Object.entries(requested)) {
      for (const request of requests) {
        const bucket = leaveUnprocessed(request) ? unprocessed : toSend
        bucket[table] = [...(bucket[table] ?? []), request]
      }
    }
    if (Object.keys(toSend).length > 0) await real.send(new BatchWriteItemCommand({ RequestItems: toSend }))
    return { UnprocessedItems: unprocessed, $metadata: {} }
  }
  return {
    client: { send } as unknown as DynamoApi,
    counts,
    failNext: (command, error) => pending.set(command, error),
  }
}
