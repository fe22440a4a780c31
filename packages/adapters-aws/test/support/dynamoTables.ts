/**
 * Fresh DynamoDB tables per test on dynalite, as scoped Effect resources: created when a
 * contract test's layer is built, deleted when it is released.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb"
import { Effect } from "effect"
import { uniqueName } from "./localServers.ts"

export const scopedTable = (client: DynamoDBClient, definition: (name: string) => CreateTableCommandInput) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const name = uniqueName("tbl")
      await client.send(new CreateTableCommand(definition(name)))
      return name
    }),
    (name) =>
      Effect.promise(() => client.send(new DeleteTableCommand({ TableName: name })).then(() => undefined)),
  )

export const createTableNow = async (
  client: DynamoDBClient,
  definition: (name: string) => CreateTableCommandInput,
) => {
  const name = uniqueName("tbl")
  await client.send(new CreateTableCommand(definition(name)))
  return name
}
