import { InvalidOptionError } from './errors'
import { describeValue } from './values'

/**
 * Throws `InvalidOptionError` for a key of `options` that `known` does not list (keys whose value
 * is `undefined` pass: a spread of absent options is no mistake), naming the closest known key
 * when one is near: `createCache(): unknown option "timeout"; did you mean "timeouts"?`. `where`
 * names the call; `path` the nested object the keys are in (`'retries'` → `"retries.atempts"`).
 * Options are checked up front, so a typo never silently keeps a default.
 */
export function checkKnownKeys(
  options: object,
  known: readonly string[],
  where: string,
  path = '',
): void {
  const full = (key: string) => (path ? `${path}.${key}` : key)
  for (const key of Object.keys(options)) {
    if (known.includes(key) || (options as Record<string, unknown>)[key] === undefined) continue
    const near = closest(key, known)
    const hint = near
      ? `; did you mean "${full(near)}"?`
      : `; the options${path ? ` of ${path}` : ''} are ${known.map((k) => `"${k}"`).join(', ')}`
    throw new InvalidOptionError(full(key), `${where}: unknown option "${full(key)}"${hint}`, {
      context: { known: [...known], ...(near ? { suggestion: full(near) } : {}) },
    })
  }
}

/**
 * Throws `InvalidOptionError` naming `name` unless `value` is a plain object (not `null`, a
 * string, an array): `consoleSink(): options must be an object, got null`. `where` names the call.
 */
export function checkOptionsObject(value: unknown, name: string, where = ''): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const prefix = where ? `${where}: ` : ''
    throw new InvalidOptionError(
      name,
      `${prefix}${name} must be an object, got ${describeValue(value)}`,
    )
  }
}

/** The known key nearest to `key` (same letters in another case, or a few edits away), if any. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return candidate
    const distance = editDistance(lower, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  // One edit for short names, two for longer ones, a third of the letters at most.
  const allowed = Math.min(2, Math.max(1, Math.floor(key.length / 3)))
  return bestDistance <= allowed ? best : undefined
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i]
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j)
        continue
      }
      const up = rows[i - 1] as number[]
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1)
      }
      row.push(value)
    }
    rows.push(row)
  }
  return (rows[a.length] as number[])[b.length] as number
}
