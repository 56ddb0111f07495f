import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { createProfiler, serveDashboard } from '@mx/profiler'
import { afterAll, describe, expect, it } from 'vitest'
import { reportFigures } from './helpers/figures'

/** Resolves true when a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(2000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** This machine's non-loopback IPv4 addresses: where an exposed server would answer. */
const externalAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
  .map((a) => a?.address as string)

describe('the profiler dashboard binds to 127.0.0.1 unless told otherwise', () => {
  const profiler = createProfiler()
  afterAll(() => profiler.close())

  it('by default it listens on 127.0.0.1 only', async () => {
    const dashboard = await serveDashboard(profiler)
    try {
      expect(dashboard.host).toBe('127.0.0.1')
      expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`)
      expect(await reachable('127.0.0.1', dashboard.port)).toBe(true)
      for (const address of externalAddresses) {
        expect(await reachable(address, dashboard.port), address).toBe(false)
      }
      const response = await fetch(`${dashboard.url}snapshot.json`)
      expect(response.status).toBe(200)
    } finally {
      await dashboard.close()
    }
    reportFigures('security-dashboard', {
      defaultHost: '127.0.0.1',
      externalAddressesChecked: externalAddresses.length,
      reachableFromOutside: false,
    })
  })

  it.runIf(externalAddresses.length > 0)(
    'with host 0.0.0.0 it is reachable from other interfaces (opt-in)',
    async () => {
      const dashboard = await serveDashboard(profiler, { host: '0.0.0.0' })
      try {
        expect(await reachable(externalAddresses[0] as string, dashboard.port)).toBe(true)
      } finally {
        await dashboard.close()
      }
    },
  )
})
