/**
 * The shared Stream contract suite against the Kinesis adapter on kinesalite, each test on a
 * fresh three-shard stream (deleted after it).
 */
import { DeleteStreamCommand, type KinesisClient } from "@aws-sdk/client-kinesis"
import { suite } from "@sluice/adapters-memory/contract"
import { Stream } from "@sluice/core"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll } from "vitest"
import { KinesisStream } from "../../src/kinesis/index.ts"
import {
  createStream,
  kinesisClientFor,
  type LocalServer,
  startKinesalite,
  uniqueName,
} from "../support/localServers.ts"

let server: LocalServer
let client: KinesisClient
beforeAll(async () => {
  server = await startKinesalite()
  client = kinesisClientFor(server)
})
afterAll(async () => {
  client?.destroy()
  await server?.close()
})

const scopedStream = Effect.acquireRelease(
  Effect.promise(async () => {
    const name = uniqueName("contract")
    await createStream(client, name, 3)
    return name
  }),
  (name) =>
    Effect.promise(() => client.send(new DeleteStreamCommand({ StreamName: name })).then(() => undefined)),
)

suite("kinesis (kinesalite)", {
  stream: () =>
    Layer.effect(
      Stream,
      Effect.map(scopedStream, (streamName) => KinesisStream.make({ client, streamName })),
    ),
  propertyRuns: 8,
})
