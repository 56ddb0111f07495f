import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportFigures } from './helpers/figures'
import {
  createNamespacePair,
  type Namespace,
  type NamespacePair,
  netnsUnavailable,
  nodeIn,
  nodeInSync,
  removeStaleNamespaces,
} from './helpers/netns'

// Proves the dashboard's isolation the way an attacker meets it: the service runs inside network
// namespace A, and a probe in namespace B (another host on the same link) tries A's address.

const prefix = 'mx-dash-'
const serveFixture = fileURLToPath(new URL('./fixtures/dashboard-serve.mjs', import.meta.url))
const probeFixture = fileURLToPath(new URL('./fixtures/tcp-probe.mjs', import.meta.url))

interface Service {
  readonly host: string
  readonly port: number
  readonly url: string
  readonly child: ChildProcess
}

interface Probe {
  reachable: boolean
  code?: string
  status?: number
}

/** Starts the dashboard fixture inside `namespace`; resolves once it printed where it listens. */
function serveIn(namespace: Namespace, host: string): Promise<Service> {
  const child = nodeIn(namespace, [serveFixture, host])
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    let settled = false
    const fail = (why: string) => {
      if (settled) return
      settled = true
      child.kill('SIGKILL')
      reject(new Error(`dashboard fixture in ${namespace.name}: ${why}\n${stderr}`))
    }
    const timer = setTimeout(() => fail('no port printed within 20 s'), 20_000)
    child.stderr?.on('data', (chunk) => {
      stderr += chunk
    })
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
      if (settled || !stdout.includes('\n')) return
      settled = true
      clearTimeout(timer)
      resolve({ ...JSON.parse(stdout), child })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(`exited with ${code} before printing its port`)
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

const probeFrom = (namespace: Namespace, host: string, port: number, path?: string) =>
  nodeInSync<Probe>(namespace, [probeFixture, host, String(port), ...(path ? [path] : [])])

const unavailable = netnsUnavailable(prefix)
const title = 'the profiler dashboard binds to 127.0.0.1 unless told otherwise'

if (unavailable !== undefined) {
  describe(title, () => {
    it('needs network namespaces (root and iproute2) to prove isolation', (context) => {
      const why = `cannot make network namespaces here: ${unavailable}`
      if (!process.env.CI) {
        console.warn(`[reliability] security-dashboard skipped: ${why}`)
        context.skip(`${why} (run as root with iproute2; under CI this fails)`)
      }
      throw new Error(`CI is set but ${why}. scripts/setup-system.sh installs iproute2.`)
    })
  })
} else {
  describe(`${title} (two network namespaces)`, () => {
    let pair: NamespacePair
    const services: ChildProcess[] = []
    const figures: Record<string, unknown> = {}

    /** Runs `body` against a dashboard served in namespace A, and stops it whatever happens. */
    async function withService(host: string, body: (service: Service) => Promise<void> | void) {
      const service = await serveIn(pair.a, host)
      services.push(service.child)
      try {
        await body(service)
      } finally {
        await stop(service.child)
      }
    }

    beforeAll(() => {
      figures.staleNamespacesRemoved = removeStaleNamespaces(prefix).length
      pair = createNamespacePair(prefix)
    })

    afterAll(async () => {
      try {
        for (const child of services) child.kill('SIGKILL')
      } finally {
        pair?.remove()
      }
      if ('defaultReachableFromOtherHost' in figures) {
        reportFigures('security-dashboard', figures)
      }
    })

    it('by default it answers on 127.0.0.1 inside its own namespace', async () => {
      await withService('', (service) => {
        expect(service.host).toBe('127.0.0.1')
        expect(service.url).toBe(`http://127.0.0.1:${service.port}/`)
        const loopback = probeFrom(pair.a, '127.0.0.1', service.port, '/snapshot.json')
        figures.defaultHost = service.host
        figures.loopbackReachable = loopback.reachable
        figures.loopbackSnapshotStatus = loopback.status
        expect(loopback).toEqual({ reachable: true, status: 200 })
      })
    })

    it('by default another host on the link is refused at its address', async () => {
      await withService('', (service) => {
        const fromB = probeFrom(pair.b, pair.a.address, service.port)
        const ownAddress = probeFrom(pair.a, pair.a.address, service.port)
        figures.namespaceAddress = pair.a.address
        figures.defaultReachableFromOtherHost = fromB.reachable
        figures.defaultRefusal = fromB.code
        figures.defaultReachableAtOwnAddress = ownAddress.reachable
        // ECONNREFUSED, not a timeout: A's stack got the connection and nothing listens there,
        // so it is the binding that keeps B out, not a broken link.
        expect(fromB).toEqual({ reachable: false, code: 'ECONNREFUSED' })
        expect(ownAddress).toEqual({ reachable: false, code: 'ECONNREFUSED' })
      })
    })

    it('with host 0.0.0.0 another host on the link reaches it (opt-in)', async () => {
      await withService('0.0.0.0', (service) => {
        expect(service.host).toBe('0.0.0.0')
        const fromB = probeFrom(pair.b, pair.a.address, service.port, '/snapshot.json')
        figures.optInHost = service.host
        figures.optInReachableFromOtherHost = fromB.reachable
        figures.optInSnapshotStatus = fromB.status
        expect(fromB).toEqual({ reachable: true, status: 200 })
      })
    })
  })
}
