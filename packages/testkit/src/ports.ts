/**
 * Free loopback ports for servers we do not start in-process (mosquitto, PostgreSQL). Servers
 * we start ourselves bind port 0 and report the port they got; this is only for those that
 * need a number on their command line.
 */
import { createServer } from "node:net"

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
