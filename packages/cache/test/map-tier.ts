import type { Clock, Tier, TierEntry } from '../src/index'

export interface MapTierOptions {
  name?: string
  kind?: 'memory' | 'shared'
  /** Also list its keys (`keys(prefix)`), so the cache can invalidate patterns in it. */
  keys?: boolean
  /** Also answer synchronously (`getSync`), as a first tier for `cache.getSync`. */
  getSync?: boolean
  /** Answer with promises, as a tier over a network or a file would. */
  async?: boolean
}

/**
 * A tier as a user writes it: a `Map` with only the five required methods (no `deleteTags`, no
 * `deleteMatching`), plus the optional ones `options` asks for. `map` is exposed for checks.
 */
export function mapTier(
  clock: Clock,
  options: MapTierOptions = {},
): Tier & { map: Map<string, TierEntry> } {
  const map = new Map<string, TierEntry>()
  const answer = <T>(value: T): T | Promise<T> => (options.async ? Promise.resolve(value) : value)
  const read = (key: string): TierEntry | undefined => {
    const entry = map.get(key)
    if (entry === undefined || entry.staleUntil > clock.now()) return entry
    map.delete(key)
    return undefined
  }
  const tier: Tier & { map: Map<string, TierEntry> } = {
    name: options.name ?? 'map',
    kind: options.kind ?? 'shared',
    map,
    get: (key) => answer(read(key)),
    set(key, entry) {
      map.set(key, { ...entry })
      return answer(undefined)
    },
    delete(keys) {
      let count = 0
      for (const key of keys) if (map.delete(key)) count++
      return answer(count)
    },
    clear(prefix) {
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key)
      return answer(undefined)
    },
    close() {
      map.clear()
      return answer(undefined)
    },
  }
  if (options.keys) tier.keys = (prefix) => [...map.keys()].filter((key) => key.startsWith(prefix))
  if (options.getSync) tier.getSync = read
  return tier
}
