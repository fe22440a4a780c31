/**
 * The OpenSearch domain behind the dashboard, reachable only by two IAM roles.
 *
 * Encrypted at rest and node-to-node, HTTPS only with TLS 1.2 or later, and no fine-grained
 * access control: the domain's resource policy names exactly two principals — the rules
 * engine's role, which may only `es:ESHttpPut` (what the IoT OpenSearch action sends) into the
 * daily indexes (`telemetry-*`), and an
 * operator role for people and tools (Dashboards through a SigV4 proxy, the index template,
 * importing the saved objects), assumable from this account only. Nothing else, signed or not,
 * gets in (cdk-nag AwsSolutions-OS5). Application errors and slow search/index logs go to
 * CloudWatch Logs (AwsSolutions-OS9), allowed by a log resource policy scoped to this domain.
 *
 * Built on the L1 `CfnDomain` on purpose: the L2 `Domain` applies an access policy through a
 * custom-resource Lambda (its own role, its own runtime to keep current); the L1 takes the
 * policy inline, and building the domain's ARN from its fixed name avoids the circular
 * reference the custom resource exists to break. Sized for the hands-on: one t3.small node,
 * 10 GiB gp3; with more than one node, zone awareness turns on.
 */
import { type RemovalPolicy, Stack } from "aws-cdk-lib"
import * as iam from "aws-cdk-lib/aws-iam"
import * as logs from "aws-cdk-lib/aws-logs"
import * as opensearch from "aws-cdk-lib/aws-opensearchservice"
import { Construct } from "constructs"
import type { DeployConfig } from "../config/deployConfig.ts"

export interface SearchDomainProps {
  readonly domainName: string
  readonly config: DeployConfig["search"]
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
}

/** The TLS policy of the domain endpoint: TLS 1.2+ with perfect forward secrecy. */
export const SEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"

const OPERATOR_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]

export class SearchDomain extends Construct {
  readonly domain: opensearch.CfnDomain
  /** `arn:…:domain/<name>` */
  readonly domainArn: string
  /** The domain's HTTPS endpoint, without scheme. */
  readonly endpoint: string
  /** Assumed by the IoT rules engine for the OpenSearch action. */
  readonly ingestRole: iam.Role
  /** For people and tools: Dashboards, the index template, saved objects. */
  readonly operatorRole: iam.Role

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id)
    const stack = Stack.of(this)
    this.domainArn = stack.formatArn({ service: "es", resource: "domain", resourceName: props.domainName })
    const everyPath = `${this.domainArn}/*`
    // The rules engine PUTs `/<prefix>-YYYY-MM-DD/_doc/<id>`: only daily indexes, nothing else.
    const dailyIndexes = `${this.domainArn}/${props.config.indexPrefix}-*`

    this.ingestRole = new iam.Role(this, "IngestRole", {
      assumedBy: new iam.ServicePrincipal("iot.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
      }),
      description: "IoT rules engine: index readings into the search domain (HTTP PUT only)",
    })
    this.ingestRole.addToPolicy(
      new iam.PolicyStatement({ actions: ["es:ESHttpPut"], resources: [dailyIndexes] }),
    )

    this.operatorRole = new iam.Role(this, "OperatorRole", {
      assumedBy: new iam.AccountPrincipal(stack.account),
      description: "Operators of the search domain: Dashboards, index templates, saved objects",
    })
    this.operatorRole.addToPolicy(
      new iam.PolicyStatement({ actions: OPERATOR_ACTIONS, resources: [everyPath] }),
    )

    const logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName: `/aws/opensearch/${props.domainName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    })
    const logPolicy = new logs.CfnResourcePolicy(this, "LogsPolicy", {
      policyName: `${props.domainName}-logs`,
      policyDocument: stack.toJsonString({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "es.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: logGroup.logGroupArn,
            Condition: {
              StringEquals: { "aws:SourceAccount": stack.account },
              ArnLike: { "aws:SourceArn": this.domainArn },
            },
          },
        ],
      }),
    })
    const publish = { cloudWatchLogsLogGroupArn: logGroup.logGroupArn, enabled: true }

    const { config } = props
    const multiNode = config.instanceCount > 1
    this.domain = new opensearch.CfnDomain(this, "Domain", {
      domainName: props.domainName,
      engineVersion: `OpenSearch_${config.engineVersion}`,
      clusterConfig: {
        instanceType: config.instanceType,
        instanceCount: config.instanceCount,
        dedicatedMasterEnabled: false,
        zoneAwarenessEnabled: multiNode,
        ...(multiNode ? { zoneAwarenessConfig: { availabilityZoneCount: 2 } } : {}),
      },
      ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: config.volumeGiB },
      encryptionAtRestOptions: { enabled: true },
      nodeToNodeEncryptionOptions: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: SEARCH_TLS_POLICY },
      advancedOptions: { "rest.action.multi.allow_explicit_index": "true" },
      logPublishingOptions: {
        ES_APPLICATION_LOGS: publish,
        SEARCH_SLOW_LOGS: publish,
        INDEX_SLOW_LOGS: publish,
      },
      accessPolicies: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: this.ingestRole.roleArn },
            Action: "es:ESHttpPut",
            Resource: dailyIndexes,
          },
          {
            Effect: "Allow",
            Principal: { AWS: this.operatorRole.roleArn },
            Action: OPERATOR_ACTIONS,
            Resource: everyPath,
          },
        ],
      },
    })
    this.domain.addResourceDependency(logPolicy)
    this.domain.applyRemovalPolicy(props.removalPolicy)
    this.endpoint = this.domain.attrDomainEndpoint
  }
}
