import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { redisUrl } from '@mx/testkit'
import { Redis } from 'ioredis'
import type { TierEntry } from '../src/types'

/** Deletes every key under `prefix` from the shared Redis (never FLUSHALL). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl())
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
        'COUNT',
        1000,
      )
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** Runs a TypeScript fixture in a child process (through tsx) with line-based stdout. */
export function runFixture(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; lines: string[]; next(match: string): Promise<string> } {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  })
  const lines: string[] = []
  const waiters: Array<{ match: string; resolve(line: string): void }> = []
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const parts = buffered.split('\n')
    buffered = parts.pop() ?? ''
    for (const line of parts) {
      lines.push(line)
      for (const waiter of [...waiters]) {
        if (line.startsWith(waiter.match)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(line)
        }
      }
    }
  })
  return {
    child,
    lines,
    next: (match) => {
      const seen = lines.find((line) => line.startsWith(match))
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve) => waiters.push({ match, resolve }))
    },
  }
}

/** Resolves when the child process has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/**
 * The cache shapes that take their own specialised read path (root or named namespace, plain
 * LRU memory tier or another policy; see src/hot.ts): tests run each of them.
 */
export const cacheShapes = [
  { name: 'root, lru', namespace: undefined, policy: 'lru' },
  { name: 'named, lru', namespace: 'meta', policy: 'lru' },
  { name: 'root, fifo', namespace: undefined, policy: 'fifo' },
  { name: 'named, tinylfu', namespace: 'meta', policy: 'tinylfu' },
] as const

/** A tier entry maker on `clock`: fresh for a minute, with `tags`. */
export function entryOn(clock: { now(): number }) {
  return (value: unknown, tags: string[] = []): TierEntry => ({
    value,
    expiresAt: clock.now() + 60_000,
    staleUntil: clock.now() + 60_000,
    tags,
  })
}
