/**
 * The devices' side of IoT Core: a thing type and the device policy of the hands-on.
 *
 * The policy is written with policy variables, so one policy serves every device and each
 * device can act only as itself: it may connect only with client id = its thing name
 * (`${iot:Connection.Thing.ThingName}`, which also requires the certificate to be attached to
 * that thing), publish only to `data/<thing>` and its own classic shadow's `get` and `update`,
 * and subscribe to / receive only its own shadow's answer topics. A device that leaks its
 * certificate exposes that device's topics, nothing more. Things, certificates and their
 * attachments are created per device (README "Deploy to AWS"), not by the stack.
 */
import { Stack } from "aws-cdk-lib"
import * as iot from "aws-cdk-lib/aws-iot"
import { Construct } from "constructs"

export interface DeviceFleetProps {
  readonly thingTypeName: string
  readonly policyName: string
}

/** The policy variable naming the connected thing. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, not a JS template
export const THING = "${iot:Connection.Thing.ThingName}"

/** Shadow topics the device publishes to (requests) and receives on (answers). */
export const SHADOW_REQUESTS = ["get", "update"] as const
export const SHADOW_ANSWERS = [
  "get/accepted",
  "get/rejected",
  "update/accepted",
  "update/rejected",
  "update/delta",
] as const

export class DeviceFleet extends Construct {
  readonly thingType: iot.CfnThingType
  readonly policy: iot.CfnPolicy

  constructor(scope: Construct, id: string, props: DeviceFleetProps) {
    super(scope, id)
    const stack = Stack.of(this)
    const arn = (resource: string, name: string) =>
      stack.formatArn({ service: "iot", resource, resourceName: name })
    const shadow = (suffix: string) => `$aws/things/${THING}/shadow/${suffix}`

    this.thingType = new iot.CfnThingType(this, "ThingType", {
      thingTypeName: props.thingTypeName,
      thingTypeProperties: {
        thingTypeDescription:
          "A Sluice sensor: publishes readings to data/<thing>, keeps wait_time in its shadow",
        searchableAttributes: ["site"],
      },
    })

    this.policy = new iot.CfnPolicy(this, "DevicePolicy", {
      policyName: props.policyName,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "iot:Connect",
            Resource: arn("client", THING),
            // The certificate must be attached to the thing it claims to be.
            Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
          },
          {
            Effect: "Allow",
            Action: "iot:Publish",
            Resource: [arn("topic", `data/${THING}`), ...SHADOW_REQUESTS.map((s) => arn("topic", shadow(s)))],
          },
          {
            Effect: "Allow",
            Action: "iot:Subscribe",
            Resource: SHADOW_ANSWERS.map((s) => arn("topicfilter", shadow(s))),
          },
          {
            Effect: "Allow",
            Action: "iot:Receive",
            Resource: SHADOW_ANSWERS.map((s) => arn("topic", shadow(s))),
          },
        ],
      },
    })
  }
}
