// Test hosts: one Linux network namespace per machine, all plugged into one bridge.
//
//   <prefix><pid>-lan     holds the bridge br0 and one veth end per host (no address: a switch)
//   <prefix><pid>-<role>  one per host, `eth0` on the bridge with 10.213.<run>.<n>/24, loopback up
//
// Every name carries this process's pid, so two runs never share a namespace, and a run that was
// killed leaves names that the next run recognises as stale (pid gone) and removes. Nothing is
// made in the machine's own namespace: its interfaces, routes and its own Redis are never touched,
// and no host can reach them. Faults are applied inside each host's namespace with nftables
// (a table `inet mxhosts` replaced atomically): packet loss is a real kernel drop (`numgen random`),
// a partition drops everything on `eth0`. Delay is not done here: this kernel has no netem (see
// delay-relay.mjs, which holds each chunk of the hosts' Redis traffic instead).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ipPath, removeNamespace, removeStaleNamespaces } from '../../reliability/helpers/netns'

/** Prefix of every namespace of this harness; its runs are `<prefix><pid>-…`. */
export const PREFIX = 'mxh'

export const nftPath = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'].find((path) =>
  existsSync(path),
)

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', input })
  if (result.status !== 0) {
    const why = (result.stderr || result.error?.message || `exit ${result.status}`).trim()
    throw new Error(`${command} ${args.join(' ')} failed: ${why}`)
  }
  return result.stdout
}
const ip = (...args: string[]) => run(ipPath ?? 'ip', args)

export interface Host {
  /** What the host is (`redis`, `producer`, `w1`, …). */
  readonly role: string
  /** Its network namespace. */
  readonly ns: string
  /** Its address on the bridge. */
  readonly address: string
}

/** What goes wrong on one host's link, from the host's side. */
export interface Faults {
  /** Per cent of TCP packets dropped, each direction (kernel drop, nft numgen). */
  lossPercent?: number
  /** Partition: everything on eth0 dropped (`'all'`), or only traffic with these addresses. */
  cut?: 'all' | readonly string[]
}

export interface Fabric {
  readonly hosts: ReadonlyMap<string, Host>
  host(role: string): Host
  /** Replaces the faults of a host (an empty object heals it). */
  setFaults(role: string, faults: Faults): void
  /** Kills every process inside the namespaces and deletes them; safe to call more than once. */
  remove(): void
}

const live = new Set<Fabric>()
let exitHooked = false
/** Teardown on any exit of this process, the failed and interrupted ones too. */
function hookExit(): void {
  if (exitHooked) return
  exitHooked = true
  const removeAll = () => {
    for (const fabric of live) fabric.remove()
  }
  process.on('exit', removeAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeAll()
      process.exit(130)
    })
  }
}

/** The nft ruleset of one host: loopback always passes; then the partition, then the loss. */
export function nftRules(faults: Faults): string {
  const rules = (direction: 'input' | 'output') => {
    const lines = [direction === 'input' ? 'iifname "lo" accept' : 'oifname "lo" accept']
    const cut = faults.cut
    if (cut === 'all') lines.push('drop')
    else if (cut !== undefined && cut.length > 0) {
      lines.push(`ip ${direction === 'input' ? 'saddr' : 'daddr'} { ${cut.join(', ')} } drop`)
    }
    const loss = faults.lossPercent ?? 0
    if (loss > 0) lines.push(`meta l4proto tcp numgen random mod 100 < ${loss} drop`)
    return lines.map((line) => `    ${line}`).join('\n')
  }
  const chain = (direction: 'input' | 'output') =>
    `  chain ${direction} {\n    type filter hook ${direction} priority 0; policy accept;\n${rules(direction)}\n  }`
  // Declaring, deleting and redefining the table in one `nft -f` is one atomic replacement.
  return `table inet mxhosts\ndelete table inet mxhosts\ntable inet mxhosts {\n${chain('input')}\n${chain('output')}\n}\n`
}

/**
 * Makes the hosts `roles` on one bridge. On a failure halfway, what was made is removed before
 * the error is thrown.
 */
export function createFabric(roles: readonly string[]): Fabric {
  removeStaleNamespaces(PREFIX)
  hookExit()
  const stem = `${PREFIX}${process.pid}-`
  // Only this run's namespaces can see this subnet; the pid-based octet just keeps logs apart.
  const subnet = `10.213.${process.pid % 250}`
  const lan = `${stem}lan`
  const hosts = new Map<string, Host>()
  const made: string[] = []
  const fabric: Fabric = {
    hosts,
    host(role) {
      const host = hosts.get(role)
      if (!host) throw new Error(`no host ${role}`)
      return host
    },
    setFaults(role, faults) {
      const host = fabric.host(role)
      run(ipPath ?? 'ip', ['netns', 'exec', host.ns, nftPath ?? 'nft', '-f', '-'], nftRules(faults))
    },
    remove() {
      live.delete(fabric)
      const errors: unknown[] = []
      for (const name of made.splice(0).reverse()) {
        try {
          removeNamespace(name)
        } catch (error) {
          errors.push(error)
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'could not remove every namespace')
    },
  }
  live.add(fabric)
  try {
    ip('netns', 'add', lan)
    made.push(lan)
    ip('-n', lan, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', lan, 'link', 'set', 'br0', 'up')
    for (const [i, role] of roles.entries()) {
      const host: Host = { role, ns: `${stem}${role}`, address: `${subnet}.${10 + i}` }
      ip('netns', 'add', host.ns)
      made.push(host.ns)
      const port = `p${i}`
      ip(
        'link',
        'add',
        'eth0',
        'netns',
        host.ns,
        'type',
        'veth',
        'peer',
        'name',
        port,
        'netns',
        lan,
      )
      ip('-n', lan, 'link', 'set', port, 'master', 'br0')
      ip('-n', lan, 'link', 'set', port, 'up')
      ip('-n', host.ns, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0')
      ip('-n', host.ns, 'link', 'set', 'eth0', 'up')
      ip('-n', host.ns, 'link', 'set', 'lo', 'up')
      hosts.set(role, host)
      fabric.setFaults(role, {})
    }
  } catch (error) {
    fabric.remove()
    throw error
  }
  return fabric
}

/** Runs `sysctl -w` inside a host's namespace (per-namespace TCP settings). */
export function sysctlIn(host: Host, setting: string): void {
  run(ipPath ?? 'ip', ['netns', 'exec', host.ns, 'sysctl', '-q', '-w', setting])
}

/** Why this harness cannot run here, or undefined: the netns probe plus nft. */
export function nftUnavailable(): string | undefined {
  if (nftPath === undefined) return 'nftables is not installed (no nft; apt-get install nftables)'
  return undefined
}
