import { channel } from 'node:diagnostics_channel'
import type { CacheCore } from './core'
import { InvalidOptionError } from './errors'
import type { Watch } from './flight'
import { describeValue } from './kernel'
import { dependencies, type Namespace, qualifyTags } from './namespace'
import { checkStrings } from './options'
import { checkPatternSupport, deleteListed, inScope } from './pattern-invalidation'
import { writeStamps } from './tag-invalidation'
import type { BusMessage, Cache, Tier } from './types'
import { globToRegExp } from './util'

const invalidateChannel = channel('mx:cache:invalidate')

/** Checks an `invalidate()` target before any tier is touched. */
function checkTarget(target: unknown): void {
  if (target === null || typeof target !== 'object') {
    throw new InvalidOptionError(
      'target',
      `invalidate() needs one of { keys }, { tags }, { pattern }, { dependsOn }, got ${describeValue(target)}`,
    )
  }
  const { keys, tags, dependsOn } = target as Record<string, unknown>
  if ('keys' in target) checkStrings('keys', keys)
  else if ('tags' in target) checkStrings('tags', tags)
  else if ('dependsOn' in target && typeof dependsOn !== 'string') {
    checkStrings('dependsOn', dependsOn)
  }
}

/** A namespace's `delete`, `invalidate` and `clear`: its keys, tags, pattern or whole scope. */
export function invalidationMethods(ns: Namespace): Pick<Cache, 'delete' | 'invalidate' | 'clear'> {
  const { core, prefix, qualify } = ns
  return {
    async delete(key) {
      core.assertOpen()
      await applyInvalidation(core, { op: 'keys', keys: [qualify(key)] })
    },

    async invalidate(target) {
      core.assertOpen()
      checkTarget(target)
      if ('keys' in target) {
        await applyInvalidation(core, { op: 'keys', keys: target.keys.map(qualify) })
      } else if ('tags' in target) {
        await applyInvalidation(core, { op: 'tags', tags: qualifyTags(ns, target.tags) })
      } else if ('pattern' in target) {
        if (typeof target.pattern !== 'string') {
          throw new InvalidOptionError(
            'pattern',
            `pattern must be a string, got ${describeValue(target.pattern)}`,
          )
        }
        checkPatternSupport(core.tiers)
        await applyInvalidation(core, { op: 'pattern', prefix, glob: target.pattern })
      } else if ('dependsOn' in target) {
        await applyInvalidation(core, { op: 'tags', tags: dependencies(target.dependsOn) })
      } else {
        throw new InvalidOptionError(
          'target',
          'invalidate() needs one of { keys }, { tags }, { pattern }, { dependsOn }',
        )
      }
    },

    async clear() {
      core.assertOpen()
      await applyInvalidation(core, { op: 'clear', prefix })
    },
  }
}

/** Applies an invalidation to every tier and tells other instances through the bus. */
export async function applyInvalidation(core: CacheCore, message: BusMessage): Promise<void> {
  if (invalidateChannel.hasSubscribers) invalidateChannel.publish(message)
  supersede(core, message)
  const at = stampTime(core, message)
  await Promise.all(
    core.tiers.map((tier, index) => core.safely(index, message.op, () => apply(tier, message, at))),
  )
  await publish(core, message)
}

/** Sends `message` to the other instances; nothing to await without a bus. */
export function publish(core: CacheCore, message: BusMessage): Promise<void> | undefined {
  if (!core.bus) return undefined
  try {
    return Promise.resolve(core.bus.publish(message)).catch((error: unknown) =>
      core.fail(error, 'bus.publish'),
    )
  } catch (error) {
    core.fail(error, 'bus.publish')
    return undefined
  }
}

/** An invalidation from another instance: shared tiers already have it, memory tiers drop it. */
export function applyRemote(core: CacheCore, message: BusMessage): void {
  supersede(core, message)
  const at = stampTime(core, message)
  core.tiers.forEach((tier, index) => {
    if (tier.kind === 'memory') void core.safely(index, message.op, () => apply(tier, message, at))
  })
}

/**
 * Marks running factories whose result this invalidation (or a newer write) makes obsolete:
 * they still answer their callers but do not write to the cache.
 */
export function supersede(core: CacheCore, message: BusMessage): void {
  if (core.running.size === 0) return
  const pattern = message.op === 'pattern' ? globToRegExp(message.glob) : undefined
  for (const [key, flights] of core.running) {
    for (const flight of flights) check(flight, key, message, pattern)
  }
}

function check(flight: Watch, key: string, message: BusMessage, pattern: RegExp | undefined): void {
  const hit =
    message.op === 'keys'
      ? message.keys.includes(key)
      : message.op === 'tags'
        ? flight.tags.some((tag) => message.tags.includes(tag))
        : message.op === 'clear'
          ? key.startsWith(message.prefix)
          : inScope(key, message.prefix) &&
            (pattern as RegExp).test(key.slice(message.prefix.length))
  if (hit) flight.superseded = true
}

/** When a tag invalidation happens, for the stamps of tiers without `deleteTags` (this cache's clock). */
function stampTime(core: CacheCore, message: BusMessage): number {
  return message.op === 'tags' && core.tagClock ? core.tagClock.stampTime() : 0
}

/**
 * One tier's part of an invalidation: its native method where it has one, otherwise the cache's
 * own (`tag-invalidation.ts`: stamps at `at`; `pattern-invalidation.ts`: listing its keys).
 */
function apply(tier: Tier, message: BusMessage, at: number): unknown {
  switch (message.op) {
    case 'keys':
      return tier.delete(message.keys)
    case 'tags':
      return tier.deleteTags ? tier.deleteTags(message.tags) : writeStamps(tier, message.tags, at)
    case 'pattern':
      if (tier.deleteMatching) return tier.deleteMatching(message.prefix, message.glob)
      if (tier.keys) return deleteListed(tier, message.prefix, message.glob)
      // Only another instance's invalidation gets here (ours are refused up front): this memory
      // tier drops the whole scope, more than the pattern, rather than keep a stale entry.
      return tier.clear(message.prefix)
    case 'clear':
      return tier.clear(message.prefix)
  }
}
