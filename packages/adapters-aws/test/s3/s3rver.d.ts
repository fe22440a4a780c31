// s3rver ships no types; this is the part the S3 tests use.
declare module "s3rver" {
  import type { AddressInfo } from "node:net"

  export default class S3rver {
    constructor(options: {
      port?: number
      address?: string
      silent?: boolean
      directory: string
      configureBuckets?: ReadonlyArray<{ name: string; configs?: ReadonlyArray<unknown> }>
    })
    run(): Promise<AddressInfo>
    close(): Promise<void>
  }
}
