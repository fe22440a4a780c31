// kinesalite and dynalite ship no types; both return a plain Node HTTP server.
declare module "kinesalite" {
  import type { Server } from "node:http"

  const kinesalite: (options?: {
    createStreamMs?: number
    deleteStreamMs?: number
    updateStreamMs?: number
    shardLimit?: number
    path?: string
  }) => Server
  export default kinesalite
}

declare module "dynalite" {
  import type { Server } from "node:http"

  const dynalite: (options?: {
    createTableMs?: number
    deleteTableMs?: number
    updateTableMs?: number
    maxItemSizeKb?: number
    path?: string
  }) => Server
  export default dynalite
}
