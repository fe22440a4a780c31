/**
 * kinesalite and dynalite in-process on free loopback ports, with SDK clients pointed at them.
 * Both keep their data in memory and are created with zero-delay table/stream state changes,
 * so a test creates a fresh stream or table in milliseconds. Close them in `afterAll`.
 */
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis"
import { waitFor } from "@sluice/testkit"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import dynalite from "dynalite"
import kinesalite from "kinesalite"

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" }
export const TEST_REGION = "us-east-1"

export interface LocalServer {
  readonly endpoint: string
  readonly close: () => Promise<void>
}

const listen = (server: Server): Promise<LocalServer> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })

export const startKinesalite = () =>
  listen(kinesalite({ createStreamMs: 0, deleteStreamMs: 0, shardLimit: 50 }))

export const startDynalite = () => listen(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }))

export const kinesisClientFor = (server: LocalServer) =>
  new KinesisClient({
    endpoint: server.endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    // The Kinesis client speaks HTTP/2 by default; kinesalite speaks HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  })

export const dynamoClientFor = (server: LocalServer) =>
  new DynamoDBClient({
    endpoint: server.endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  })

let counter = 0
/** A name no other test of this process uses (DynamoDB and Kinesis names need ≥ 3 characters). */
export const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${++counter}`

export const createStream = async (client: KinesisClient, name: string, shards: number) => {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }))
  await waitFor(
    async () =>
      (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary
        ?.StreamStatus === "ACTIVE",
    { timeoutMs: 5_000, what: `stream ${name} to become ACTIVE` },
  )
}
