/**
 * The stack's cdk-nag acknowledgments: none stale — without them the AwsSolutions checks raise
 * exactly the findings they name (so each one is needed, and nothing else is hidden) — and each
 * with a written reason. For a three-node search domain zone awareness is on: its
 * acknowledgment disappears and nothing is left unacknowledged (that synthesis also provisions
 * stream shards, another config path). (synthesis.test.ts checks the
 * default stack synthesizes with no finding left.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { nagSuppressionsOf } from "../src/nag/suppressions.ts"
import { type Synthesized, synthesize } from "./support/synthesize.ts"

let unsuppressed: Synthesized
let threeNodes: Synthesized
beforeAll(() => {
  unsuppressed = synthesize({ bundle: false, suppress: false })
  threeNodes = synthesize({
    bundle: false,
    config: { search: { instanceCount: 3 }, stream: { shardCount: 2 } },
  })
}, 180_000)
afterAll(() => {
  unsuppressed?.cleanup()
  threeNodes?.cleanup()
})

/** `<construct path> <finding id>` of each acknowledgment, where cdk-nag reports the finding. */
const acknowledgedOf = (s: Synthesized) =>
  nagSuppressionsOf(s.stack)
    .map(({ construct, id }) => {
      // IAM findings land on the role's default policy; the rest on the CloudFormation resource.
      const path = id.startsWith("AwsSolutions-IAM5")
        ? `${construct.node.path}/DefaultPolicy/Resource`
        : (construct.node.defaultChild ?? construct).node.path
      return `${path} ${id}`
    })
    .sort()

describe("cdk-nag acknowledgments", () => {
  it("are exactly the findings the AwsSolutions checks raise without them", () => {
    const findings = unsuppressed.violations.map((v) => `${v.path} ${v.rule}`).sort()
    expect(findings.length).toBeGreaterThan(0)
    expect(acknowledgedOf(unsuppressed)).toEqual(findings)
  })

  it("each carry a written reason", () => {
    for (const { id, reason } of nagSuppressionsOf(unsuppressed.stack)) {
      expect(reason.length, id).toBeGreaterThanOrEqual(60)
      expect(reason, id).toMatch(/^[A-Z].*\.$/s)
    }
  })

  it("drop zone awareness for a multi-node domain, leaving no finding unacknowledged", () => {
    expect(nagSuppressionsOf(threeNodes.stack).map((s) => s.id)).not.toContain("AwsSolutions-OS7")
    expect(threeNodes.violations).toEqual([])
    threeNodes.template.hasResourceProperties("AWS::OpenSearchService::Domain", {
      ClusterConfig: {
        InstanceCount: 3,
        ZoneAwarenessEnabled: true,
        ZoneAwarenessConfig: { AvailabilityZoneCount: 2 },
      },
    })
  })

  it("take other sizes from the config too: that stack provisions two stream shards", () => {
    threeNodes.template.hasResourceProperties("AWS::Kinesis::Stream", {
      ShardCount: 2,
      StreamModeDetails: { StreamMode: "PROVISIONED" },
    })
  })
})
