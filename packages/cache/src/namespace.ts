import type { CacheCore } from './core'
import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'
import type { ResolvedOptions } from './options'
import type { SetOptions, TierEntry } from './types'

const NUL = '\u0000'
/** How a root key that starts with NUL is stored (named namespaces' keys are `\0path\0key`). */
export const ESCAPE = '\u0000\u0000'
const RECENT_KEYS = 4_096
const DEPENDS = '\u0000dep:'

/** One namespace view of a cache: the core it shares, its defaults, path and stored-key form. */
export interface Namespace {
  readonly core: CacheCore
  readonly defaults: ResolvedOptions
  /** Full namespace path (`''` for the root). */
  readonly path: string
  /** What its stored keys start with: `\0path\0`, or `''` for the root. */
  readonly prefix: string
  /** The stored key of a user key; throws `InvalidOptionError` on a non-string. */
  readonly qualify: (key: string) => string
}

/** What a non-string key throws (`getOrSet` rejects with it). */
export function keyError(key: unknown): InvalidOptionError {
  return new InvalidOptionError('key', `key must be a string, got ${describeValue(key)}`)
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw keyError(key)
}

/** The namespace at `path` of the cache whose state is `core`. */
export function namespaceOf(core: CacheCore, defaults: ResolvedOptions, path: string): Namespace {
  // Keys of a named namespace are `\0path\0key`; the root's are the user's key as is (so its hot
  // path builds no string), escaped as `\0\0key` when they start with NUL themselves.
  const prefix = path === '' ? '' : `${NUL}${path}${NUL}`
  return { core, defaults, path, prefix, qualify: prefix === '' ? qualifyRoot : qualifier(prefix) }
}

function qualifyRoot(key: string): string {
  if (typeof key !== 'string') checkKey(key)
  return key.charCodeAt(0) === 0 ? ESCAPE + key : key
}

function qualifier(prefix: string): (key: string) => string {
  // A named namespace remembers recent qualified keys: a map hit is cheaper than building and
  // hashing a new string on every lookup.
  const recent = new Map<string, string>()
  return (key: string): string => {
    if (typeof key !== 'string') checkKey(key)
    let full = recent.get(key)
    if (full === undefined) {
      full = prefix + key
      if (recent.size >= RECENT_KEYS) recent.clear()
      recent.set(key, full)
    }
    return full
  }
}

/** A user key as stored keys list it, or undefined for another namespace's key. */
export function userKey(ns: Namespace, full: string): string | undefined {
  const { prefix } = ns
  if (prefix !== '') return full.slice(prefix.length)
  if (full.charCodeAt(0) !== 0) return full
  // A root key that starts with NUL is stored escaped; other NUL-led keys are named namespaces'.
  return full.startsWith(ESCAPE) ? full.slice(ESCAPE.length) : undefined
}

/** Tags are namespaced like keys: a namespace invalidates only its own. */
export function qualifyTags(ns: Namespace, tags: readonly string[]): string[] {
  return tags.map(ns.qualify)
}

/** The tags that stand for `dependsOn` resource ids. */
export function dependencies(ids: string | string[] | undefined): string[] {
  return ids === undefined ? [] : (Array.isArray(ids) ? ids : [ids]).map((id) => DEPENDS + id)
}

/** When an entry written now with `ttl` and `grace` expires and leaves (after `jitter`). */
export function expiry(
  ns: Namespace,
  ttl: number,
  grace: number,
): { expiresAt: number; staleUntil: number } {
  const { jitter } = ns.defaults
  const jittered = jitter > 0 ? ttl * (1 - jitter * Math.random()) : ttl
  const expiresAt = ns.core.clock.now() + jittered
  return { expiresAt, staleUntil: expiresAt + grace }
}

/**
 * An entry's expiry and namespaced tags under `options` and the cache's defaults, and its
 * `writtenAt` while some tier is stamped: taken now, so a factory's value counts as written
 * when its flight began, and another process's invalidation while it ran drops it from the
 * stamped tiers.
 */
export function metaOf(ns: Namespace, options: SetOptions | undefined): Omit<TierEntry, 'value'> {
  const { defaults } = ns
  const tags = options?.tags ? qualifyTags(ns, options.tags) : []
  const deps = dependencies(options?.dependsOn)
  const meta = {
    ...expiry(ns, options?.ttl ?? defaults.ttl, options?.grace ?? defaults.grace),
    tags: deps.length > 0 ? [...tags, ...deps] : tags,
  }
  const { tagClock } = ns.core
  return tagClock === undefined ? meta : { ...meta, writtenAt: tagClock.writeTime() }
}
