import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

// Linux network namespaces for the tests that must prove what another host can reach: a
// namespace has its own interfaces, addresses and loopback, so two of them joined by a veth pair
// are two machines on one link. Making them needs root and iproute2's `ip`.

/** Path of iproute2's `ip`, or undefined when it is not installed. */
export const ipPath = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((path) =>
  existsSync(path),
)

function ip(...args: string[]): string {
  const run = spawnSync(ipPath ?? 'ip', args, { encoding: 'utf8' })
  if (run.status !== 0) {
    const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim()
    throw new Error(`ip ${args.join(' ')} failed: ${why}`)
  }
  return run.stdout
}

/** Why network namespaces cannot be made here (tried with a throwaway one), or undefined. */
export function netnsUnavailable(prefix: string): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux, not ${process.platform}`
  if (process.getuid?.() !== 0) return 'making network namespaces needs root'
  if (ipPath === undefined) return 'iproute2 is not installed (no ip; apt-get install iproute2)'
  const probe = `${prefix}${process.pid}-probe`
  try {
    ip('netns', 'add', probe)
    return undefined
  } catch (error) {
    return (error as Error).message
  } finally {
    spawnSync(ipPath, ['netns', 'del', probe], { stdio: 'ignore' })
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Kills what still runs inside a namespace, then deletes it (and the veth end it holds). */
export function removeNamespace(name: string): void {
  const pids = spawnSync(ipPath ?? 'ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout
  for (const pid of (pids ?? '').split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL')
    } catch {
      // already gone
    }
  }
  ip('netns', 'del', name)
}

/**
 * Deletes the namespaces named `<prefix><pid>-…` whose process is gone: what an interrupted run
 * left behind. Namespaces of a run still going (another pid alive) are left alone.
 */
export function removeStaleNamespaces(prefix: string): string[] {
  const names = ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(prefix))
  const stale = names.filter((name) => {
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1])
    return Number.isInteger(pid) && (pid === process.pid || !isAlive(pid))
  })
  for (const name of stale) removeNamespace(name)
  return stale
}

export interface Namespace {
  readonly name: string
  /** Its address on the link to the other namespace. */
  readonly address: string
}

export interface NamespacePair {
  readonly a: Namespace
  readonly b: Namespace
  /** Kills what runs inside both and deletes them; safe to call more than once. */
  remove(): void
}

/**
 * Two namespaces `<prefix><pid>-a` and `-b` joined by a veth pair, `<subnet>.1/24` in a and
 * `<subnet>.2/24` in b, loopback up in each. Made directly inside the namespaces, so nothing is
 * left in the host's own namespace; on a failure halfway, what was made is removed.
 */
export function createNamespacePair(prefix: string, subnet = '10.231.77'): NamespacePair {
  const a = { name: `${prefix}${process.pid}-a`, address: `${subnet}.1` }
  const b = { name: `${prefix}${process.pid}-b`, address: `${subnet}.2` }
  // Interface names have at most 15 characters; a pid has at most 7 digits.
  const links = [`mxv${process.pid}a`, `mxv${process.pid}b`] as const
  const made: string[] = []
  const remove = () => {
    const errors: unknown[] = []
    for (const name of made.splice(0)) {
      try {
        removeNamespace(name)
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'could not remove every namespace')
  }
  try {
    for (const ns of [a, b]) {
      ip('netns', 'add', ns.name)
      made.push(ns.name)
    }
    ip(
      'link',
      'add',
      links[0],
      'netns',
      a.name,
      'type',
      'veth',
      'peer',
      'name',
      links[1],
      'netns',
      b.name,
    )
    for (const [ns, link] of [
      [a, links[0]],
      [b, links[1]],
    ] as const) {
      ip('-n', ns.name, 'addr', 'add', `${ns.address}/24`, 'dev', link)
      ip('-n', ns.name, 'link', 'set', link, 'up')
      ip('-n', ns.name, 'link', 'set', 'lo', 'up')
    }
  } catch (error) {
    remove()
    throw error
  }
  return { a, b, remove }
}

/** Runs `node <args>` inside a namespace; stdin stays a pipe so the child sees this process end. */
export function nodeIn(namespace: Namespace, args: string[]): ChildProcess {
  return spawn(ipPath ?? 'ip', ['netns', 'exec', namespace.name, process.execPath, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/** Runs `node <args>` inside a namespace to its end and parses the JSON line it prints. */
export function nodeInSync<T>(namespace: Namespace, args: string[]): T {
  const run = spawnSync(
    ipPath ?? 'ip',
    ['netns', 'exec', namespace.name, process.execPath, ...args],
    { encoding: 'utf8', timeout: 30_000 },
  )
  if (run.status !== 0) {
    throw new Error(
      `node ${args.join(' ')} in ${namespace.name} failed: ${run.stderr || run.error}`,
    )
  }
  return JSON.parse(run.stdout) as T
}
