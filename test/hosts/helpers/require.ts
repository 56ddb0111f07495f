// Whether test hosts can be made here. Locally without root, iproute2, nftables or redis-server
// the suite skips and says why; under CI (`CI` or `MX_REQUIRE_NETNS=1`, as .ci/run sets) it fails
// instead, so a runner that lost its namespaces can never pass by skipping.
import { spawnSync } from 'node:child_process'
import { describe, it } from 'vitest'
import { netnsUnavailable } from '../../reliability/helpers/netns'
import { nftUnavailable, PREFIX } from './fabric'

function redisServerUnavailable(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  return probe.status === 0
    ? undefined
    : 'redis-server is not installed (apt-get install redis-server)'
}

/** Why test hosts cannot be made here, or undefined. */
export function hostsUnavailable(): string | undefined {
  return netnsUnavailable(PREFIX) ?? nftUnavailable() ?? redisServerUnavailable()
}

const required = Boolean(process.env.CI) || process.env.MX_REQUIRE_NETNS === '1'

/** `describe(title, body)` where hosts can be made; else one test that skips (locally) or fails. */
export function describeHosts(title: string, body: () => void): void {
  const why = hostsUnavailable()
  if (why === undefined) {
    describe(title, body)
    return
  }
  describe(title, () => {
    it('needs test hosts (root, iproute2, nftables, redis-server)', (context) => {
      if (!required) {
        console.warn(`[hosts] ${title} skipped: ${why}`)
        context.skip(`${why} (run as root: scripts/setup-system.sh installs the tools)`)
      }
      throw new Error(`cannot make test hosts here: ${why}. scripts/setup-system.sh installs them.`)
    })
  })
}
