/**
 * The deploy config: safe defaults from `{}`, every problem reported with its path, the rule
 * tying the consumer's record age to the stream's retention, and loading from a file.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { decodeDeployConfig, defaultDeployConfig } from "../src/config/deployConfig.ts"
import { loadDeployConfig } from "../src/config/loadDeployConfig.ts"

describe("deploy config", () => {
  it("is complete and safe from nothing", () => {
    const config = defaultDeployConfig()
    expect(config).toMatchObject({
      stackName: "Sluice",
      namePrefix: "sluice",
      removalPolicy: "retain",
      rulesFile: "rules/hands-on.rules.json",
      stream: { retentionHours: 24 },
      consumer: { batchSize: 100, retryAttempts: 10, maxRecordAgeSeconds: 86_400, parallelizationFactor: 1 },
      table: { ttlAttribute: "expiresAt", readingsTtlDays: 30 },
      lake: { bufferSizeMiB: 64, bufferIntervalSeconds: 60 },
      search: { instanceType: "t3.small.search", instanceCount: 1, volumeGiB: 10, indexPrefix: "telemetry" },
      alarms: { iteratorAgeMs: 60_000, deadLetterDepth: 1 },
    })
    expect(config.account).toBeUndefined()
    expect(config.alarms.topicArn).toBeUndefined()
  })

  it("keeps what is given and fills in the rest, nested", () => {
    const config = decodeDeployConfig({ consumer: { batchSize: 500 }, search: { instanceCount: 2 } })
    expect(config.consumer.batchSize).toBe(500)
    expect(config.consumer.retryAttempts).toBe(10)
    expect(config.search.instanceCount).toBe(2)
  })

  it("reports every problem at once, with its path", () => {
    let message = ""
    try {
      decodeDeployConfig({
        namePrefix: "Bad_Prefix",
        consumer: { retryAttempts: -1, batchSize: 20_000 },
        lake: { bufferSizeMiB: 5 },
        logRetentionDays: 10,
      })
    } catch (error) {
      message = String(error)
    }
    for (const path of [
      '["namePrefix"]',
      '["consumer"]["retryAttempts"]',
      '["consumer"]["batchSize"]',
      '["lake"]["bufferSizeMiB"]',
      '["logRetentionDays"]',
    ])
      expect(message).toContain(path)
  })

  it("refuses a maximum record age longer than the stream keeps records", () => {
    expect(() => decodeDeployConfig({ consumer: { maxRecordAgeSeconds: 200_000 } })).toThrow(/retention/)
    expect(
      decodeDeployConfig({ stream: { retentionHours: 72 }, consumer: { maxRecordAgeSeconds: 200_000 } })
        .stream.retentionHours,
    ).toBe(72)
  })

  it("loads from a JSON file, naming the file in errors", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sluice-config-"))
    const good = path.join(dir, "good.json")
    writeFileSync(good, JSON.stringify({ namePrefix: "lab", account: "123456789012", region: "eu-west-1" }))
    expect(loadDeployConfig(good)).toMatchObject({
      namePrefix: "lab",
      account: "123456789012",
      region: "eu-west-1",
    })
    const bad = path.join(dir, "bad.json")
    writeFileSync(bad, JSON.stringify({ region: "Mars" }))
    expect(() => loadDeployConfig(bad)).toThrow(bad)
    expect(loadDeployConfig(undefined)).toEqual(defaultDeployConfig())
  })
})
