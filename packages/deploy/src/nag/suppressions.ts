/**
 * The cdk-nag AwsSolutions findings this stack acknowledges, each with its reason.
 *
 * Everything else the checks raise is fixed in the constructs, not suppressed. Each entry names
 * one finding on one construct (cdk-nag v3 acknowledges findings one by one, IAM5 per resource
 * string), so a new wildcard or a new resource raises a new finding instead of hiding under an
 * old suppression. The stack tests require every reason to be a real sentence and every entry
 * to match a finding the checks raise without it.
 */

import { LAKE_DATA_ROOT, LAKE_ERROR_ROOT } from "@sluice/core"
import { type CfnElement, type Stack, Token, Validations } from "aws-cdk-lib"
import type { IConstruct } from "constructs"
import { resourceNames } from "../stack/resourceNames.ts"
import type { SluiceStack } from "../stack/sluiceStack.ts"

export interface NagSuppression {
  readonly construct: IConstruct
  /** The finding: `AwsSolutions-<rule>` or `AwsSolutions-IAM5[Resource::…]`. */
  readonly id: string
  readonly reason: string
}

/** How cdk-nag prints a pseudo parameter or a resolved environment value in a finding id. */
const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value)

const arnOfAttribute = (stack: Stack, construct: IConstruct) =>
  `<${stack.getLogicalId(construct.node.defaultChild as CfnElement)}.Arn>`

export const nagSuppressionsOf = (stack: SluiceStack): NagSuppression[] => {
  const names = resourceNames(stack.config.namePrefix)
  const domainArn = `arn:${pseudo(stack.partition, "Partition")}:es:${pseudo(stack.region, "Region")}:${pseudo(stack.account, "AccountId")}:domain/${names.searchDomain}`
  const lakeArn = arnOfAttribute(stack, stack.buckets.lake)
  const domain = stack.search.domain
  const singleNode = stack.config.search.instanceCount === 1
  return [
    {
      construct: stack.consumer.onFailure,
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is the end of the line: the Kinesis event source mapping's on-failure destination. It holds batch coordinates for a replay and is watched by the DeadLetters alarm; a DLQ behind it would only move the same messages.",
    },
    ...[LAKE_DATA_ROOT, LAKE_ERROR_ROOT].map((root) => ({
      construct: stack.lake.role,
      id: `AwsSolutions-IAM5[Resource::${lakeArn}/${root}*]`,
      reason: `Firehose names each object it writes (prefix expressions plus a random suffix), so object keys cannot be listed ahead; the grant is limited to the ${root} root of this one bucket.`,
    })),
    {
      construct: stack.search.ingestRole,
      id: `AwsSolutions-IAM5[Resource::${domainArn}/${stack.config.search.indexPrefix}-*]`,
      reason:
        "The rules engine writes one index per day (telemetry-YYYY-MM-DD); the role may only HTTP PUT, and only under that index prefix of this one domain.",
    },
    {
      construct: stack.search.operatorRole,
      id: `AwsSolutions-IAM5[Resource::${domainArn}/*]`,
      reason:
        "OpenSearch authorizes HTTP methods per URL path; the operator role manages this one domain (Dashboards, index templates, saved objects, deleting old daily indexes), so it needs every path of it and of no other domain.",
    },
    {
      construct: domain,
      id: "AwsSolutions-OS1",
      reason:
        "The domain is reached by IoT Core's rules engine (a public AWS endpoint) and by operators through SigV4; a VPC would add NAT and endpoint costs larger than the domain's. Access is limited by the resource policy to two IAM roles.",
    },
    {
      construct: domain,
      id: "AwsSolutions-OS3",
      reason:
        "Access is granted by IAM principal (two roles in the domain's resource policy, every request SigV4-signed), which is stronger than an IP allow-list; no anonymous or IP-based access exists.",
    },
    {
      construct: domain,
      id: "AwsSolutions-OS4",
      reason:
        "Dedicated master nodes pay off for large domains; this one is sized for the hands-on (search.instanceCount data nodes, one by default), where three dedicated masters would more than triple its cost.",
    },
    ...(singleNode
      ? [
          {
            construct: domain,
            id: "AwsSolutions-OS7",
            reason:
              "Zone awareness needs at least two data nodes; the default domain has one to keep the hands-on cheap. Setting search.instanceCount above 1 turns zone awareness on.",
          },
        ]
      : []),
  ]
}

export const applyNagSuppressions = (stack: SluiceStack): void => {
  for (const { construct, id, reason } of nagSuppressionsOf(stack))
    Validations.of(construct).acknowledge({ id, reason })
}
