import { channel } from 'node:diagnostics_channel'
import type { CacheCore } from './core'
import { InvalidOptionError } from './errors'
import type { Watch } from './flight'
import { describeValue } from './kernel'
import { dependencies, type Namespace, qualifyTags } from './namespace'
import { checkStrings } from './options'
import { inScope } from './tiers/memory'
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
  await Promise.all(
    core.tiers.map((tier, index) => core.safely(index, message.op, () => apply(tier, message))),
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
  core.tiers.forEach((tier, index) => {
    if (tier.kind === 'memory') void core.safely(index, message.op, () => apply(tier, message))
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

function apply(tier: Tier, message: BusMessage): unknown {
  switch (message.op) {
    case 'keys':
      return tier.delete(message.keys)
    case 'tags':
      return tier.deleteTags(message.tags)
    case 'pattern':
      return tier.deleteMatching(message.prefix, message.glob)
    case 'clear':
      return tier.clear(message.prefix)
  }
}
