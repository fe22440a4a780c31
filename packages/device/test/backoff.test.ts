import { describe, expect, it } from "vitest"
import { seededRandom } from "../src/random.ts"
import { backoffDelay } from "../src/transport/backoff.ts"
import { describeConnectError } from "../src/transport/describeError.ts"

describe("reconnect backoff", () => {
  it("doubles from the initial delay up to the cap, with half of it jittered", () => {
    const random = seededRandom(1, "backoff")
    const options = { initialMs: 100, maxMs: 1_000 }
    const bounds = [
      [50, 100],
      [100, 200],
      [200, 400],
      [400, 800],
      [500, 1_000],
      [500, 1_000],
    ]
    bounds.forEach(([low, high], i) => {
      const delay = backoffDelay(i + 1, options, random)
      expect(delay).toBeGreaterThanOrEqual(low!)
      expect(delay).toBeLessThanOrEqual(high!)
    })
    expect(backoffDelay(10_000, options, random)).toBeLessThanOrEqual(1_000)
  })

  it("spreads devices that failed together", () => {
    const delays = Array.from({ length: 20 }, (_, i) =>
      backoffDelay(3, {}, seededRandom(1, `device-${i}/backoff`)),
    )
    expect(new Set(delays).size).toBeGreaterThan(15)
  })
})

describe("connection errors", () => {
  it("say where, why in plain words, and keep the original text", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })
    expect(describeConnectError("mqtt://127.0.0.1:1", refused).message).toBe(
      "cannot connect to mqtt://127.0.0.1:1: connection refused — is the broker running on that port? (connect ECONNREFUSED 127.0.0.1:1)",
    )
    expect(describeConnectError("x", new Error("getaddrinfo ENOTFOUND nowhere.invalid")).message).toMatch(
      /host name not found/,
    )
    expect(describeConnectError("x", "aws-c-io: AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE").message).toMatch(
      /TLS handshake failed/,
    )
    expect(describeConnectError("x", new Error("Connection refused: Not authorized")).message).toMatch(
      /refused the connection/,
    )
  })
})
