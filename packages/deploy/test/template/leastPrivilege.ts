// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation JSON read back from the template is untyped
/**
 * Least privilege in the synthesized template: no wildcard actions anywhere, no `*` resource in
 * any statement, every role trusted by exactly one service (or this account), and each role
 * allowed exactly the data-plane writes its part of the pipeline makes, on its own resources.
 */
import { describe, expect, it } from "vitest"
import { resourcesOf, type Synthesized } from "../support/synthesize.ts"

interface Statement {
  readonly Effect: string
  readonly Action: string | string[]
  readonly Resource: unknown
}
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value])

/** Every statement of every identity policy, with the policy's logical id. */
const statementsIn = (synth: Synthesized) =>
  resourcesOf(synth, "AWS::IAM::Policy").flatMap(([id, policy]) =>
    ((policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? []).map(
      (s) => ({
        id,
        ...s,
      }),
    ),
  )

const refersTo = (resource: unknown, logicalIdPrefix: string) =>
  new RegExp(`"(Ref|Fn::GetAtt)":\\[?"${logicalIdPrefix}`).test(JSON.stringify(resource))

export const leastPrivilegeTests = (get: () => Synthesized): void => {
  const statements = () => statementsIn(get())
  /** The statements of the role whose logical id starts with `prefix`. */
  const statementsOf = (prefix: string) => statements().filter((s) => s.id.startsWith(prefix))

  describe("least privilege", () => {
    it("has no wildcard action and no '*' resource in any statement", () => {
      expect(statements().length).toBeGreaterThan(10)
      for (const s of statements()) {
        for (const action of asList(s.Action)) expect(action, s.id).not.toContain("*")
        for (const resource of asList(s.Resource as unknown)) expect(resource, s.id).not.toBe("*")
        expect(s.Effect).toBe("Allow")
      }
    })

    it("uses no managed policies: every permission is in the template, next to its resource", () => {
      for (const [, role] of resourcesOf(get(), "AWS::IAM::Role"))
        expect(role.Properties?.ManagedPolicyArns ?? []).toEqual([])
    })

    it("trusts each role to one service (with aws:SourceAccount for IoT and Firehose) or to this account", () => {
      for (const [id, role] of resourcesOf(get(), "AWS::IAM::Role")) {
        const document = role.Properties?.AssumeRolePolicyDocument as
          | { Statement: Array<Record<string, any>> }
          | undefined
        const trust = document?.Statement ?? []
        expect(trust, id).toHaveLength(1)
        const principal = trust[0]!.Principal
        if (principal.Service === "iot.amazonaws.com" || principal.Service === "firehose.amazonaws.com")
          expect(trust[0]!.Condition, id).toEqual({
            StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
          })
        else if (principal.Service !== "lambda.amazonaws.com")
          expect(JSON.stringify(principal.AWS), id).toContain(":root")
      }
    })

    it("lets the rules engine write only to its own stream, delivery stream, error log and daily indexes", () => {
      expect(
        statementsOf("RulesKinesisRole").map((s) => [s.Action, refersTo(s.Resource, "TelemetryStream")]),
      ).toEqual([["kinesis:PutRecord", true]])
      expect(
        statementsOf("RulesFirehoseRole").map((s) => [
          s.Action,
          refersTo(s.Resource, "LakeDeliveryDeliveryStream"),
        ]),
      ).toEqual([[["firehose:PutRecord", "firehose:PutRecordBatch"], true]])
      expect(statementsOf("RulesErrorRole").map((s) => refersTo(s.Resource, "RulesRuleErrors"))).toEqual([
        true,
      ])
      const [search] = statementsOf("SearchIngestRole")
      expect(search!.Action).toBe("es:ESHttpPut")
      expect(JSON.stringify(search!.Resource)).toMatch(/:domain\/sluice-search\/telemetry-\*"/)
    })

    it("lets the consumer write only its three tables and its on-failure queue, and read only its stream", () => {
      const consumer = statementsOf("ConsumerHandlerRole")
      const byResource = (prefix: string) =>
        consumer.filter((s) => refersTo(s.Resource, prefix)).flatMap((s) => asList(s.Action))
      expect(byResource("TablesReadings").sort()).toEqual(["dynamodb:BatchWriteItem", "dynamodb:PutItem"])
      expect(byResource("TablesLatestState").sort()).toEqual(["dynamodb:GetItem", "dynamodb:PutItem"])
      expect(byResource("TablesDeadLetters")).toEqual(["dynamodb:BatchWriteItem"])
      expect(byResource("ConsumerOnFailure")).toContain("sqs:SendMessage")
      expect(byResource("TelemetryStream")).toEqual(
        expect.arrayContaining(["kinesis:GetRecords", "kinesis:GetShardIterator"]),
      )
      expect(byResource("TelemetryStream").some((a) => /Put|Delete|Create|Update/.test(a))).toBe(false)
      expect(byResource("ConsumerHandlerLogs").sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"])
      // Nothing else: every statement is about one of the resources above.
      const covered = [
        "TablesReadings",
        "TablesLatestState",
        "TablesDeadLetters",
        "ConsumerOnFailure",
        "TelemetryStream",
        "ConsumerHandlerLogs",
      ]
      for (const s of consumer)
        expect(
          covered.some((p) => refersTo(s.Resource, p)),
          JSON.stringify(s),
        ).toBe(true)
    })

    it("lets Firehose write only under the lake's two roots, invoke only its transform, and log only to its stream", () => {
      const firehose = statementsOf("LakeDeliveryRole")
      const puts = firehose.filter((s) => asList(s.Action).includes("s3:PutObject"))
      expect(puts).toHaveLength(1)
      const resources = JSON.stringify(puts[0]!.Resource)
      expect(resources).toContain('"/telemetry/*"')
      expect(resources).toContain('"/errors/*"')
      const invoke = firehose.find((s) => asList(s.Action).includes("lambda:InvokeFunction"))
      expect(refersTo(invoke?.Resource, "LakeDeliveryTransformFunction")).toBe(true)
      const logs = firehose.find((s) => asList(s.Action).includes("logs:PutLogEvents"))
      expect(JSON.stringify(logs?.Resource)).toContain(":log-stream:")
    })

    it("lets the transform do nothing but write its own logs", () => {
      const transform = statementsOf("LakeDeliveryTransformRole")
      expect(
        transform.map((s) => [asList(s.Action).sort(), refersTo(s.Resource, "LakeDeliveryTransformLogs")]),
      ).toEqual([[["logs:CreateLogStream", "logs:PutLogEvents"], true]])
    })
  })
}
