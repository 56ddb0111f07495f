import { PatternUnsupportedError } from './errors'
import type { Tier } from './types'
import { globToRegExp } from './util'

/**
 * Whether `key` is in the scope of a pattern invalidation under `prefix`: the empty prefix is
 * the root namespace, whose scope excludes the keys of named namespaces (they start with NUL).
 */
export function inScope(key: string, prefix: string): boolean {
  return prefix === '' ? key.charCodeAt(0) !== 0 : key.startsWith(prefix)
}

/**
 * Throws `PatternUnsupportedError` when a tier can neither delete by pattern nor list its keys,
 * before `invalidate({ pattern })` touches any tier.
 */
export function checkPatternSupport(tiers: readonly Tier[]): void {
  for (const tier of tiers) {
    if (typeof tier.deleteMatching !== 'function' && typeof tier.keys !== 'function') {
      throw new PatternUnsupportedError(tier.name)
    }
  }
}

/**
 * `deleteMatching` for a tier without one: lists its keys under `prefix`, deletes those in scope
 * whose remainder matches `glob` (`*`, `?`, everything else literal); resolves how many existed.
 */
export async function deleteListed(tier: Tier, prefix: string, glob: string): Promise<number> {
  const list = tier.keys
  if (list === undefined) throw new PatternUnsupportedError(tier.name)
  const pattern = globToRegExp(glob)
  const doomed = new Set<string>()
  for await (const key of list.call(tier, prefix)) {
    if (inScope(key, prefix) && pattern.test(key.slice(prefix.length))) doomed.add(key)
  }
  return doomed.size === 0 ? 0 : tier.delete([...doomed])
}
