import { createHash } from 'node:crypto'
import { expect } from 'vitest'

/** The ids a scenario submitted, numbered 0..count-1, with exact look-ups both ways. */
export interface IdSpace {
  readonly count: number
  idOf(index: number): string
  /** The number of a submitted id, -1 for any other string. */
  indexOf(id: string): number
}

/**
 * `${prefix}${i}${suffix}` for i in 0..count-1, looked up by parsing instead of a Map (a million
 * ids cost no memory in the process whose RSS a load scenario reports).
 */
export function numberedIds(prefix: string, count: number, suffix = ''): IdSpace {
  return {
    count,
    idOf: (index) => `${prefix}${index}${suffix}`,
    indexOf(id) {
      if (!id.startsWith(prefix) || !id.endsWith(suffix)) return -1
      const digits = id.slice(prefix.length, id.length - suffix.length)
      if (!/^(0|[1-9][0-9]*)$/.test(digits)) return -1
      const index = Number(digits)
      return index < count ? index : -1
    },
  }
}

/** Ids given as a list (BullMQ's job ids), numbered in list order. */
export function listedIds(ids: readonly string[]): IdSpace {
  const numbers = new Map(ids.map((id, index) => [id, index]))
  if (numbers.size !== ids.length) throw new Error('listedIds: the list holds an id twice')
  return {
    count: ids.length,
    idOf: (index) => ids[index] as string,
    indexOf: (id) => numbers.get(id) ?? -1,
  }
}

export interface ExactOutcome {
  submitted: number
  /** Results recorded, copies and strangers included. */
  returned: number
  /** Submitted ids that never came back. */
  lost: number
  /** Copies beyond the first of an id that came back more than once. */
  duplicates: number
  /** Results under an id that was never submitted. */
  extra: number
  /** Ids whose content differs from the reference (or between two copies). */
  mismatched: number
  /** Ids that came back but that the reference gave no content for: nothing was compared. */
  unchecked: number
  /** The first few ids of each kind, for the failure message. */
  samples: Record<'lost' | 'duplicated' | 'extra' | 'mismatched' | 'unchecked', string[]>
}

const FINGERPRINT_BYTES = 16
const SAMPLES = 5

/** SHA-256 of the value's JSON, first 16 bytes: what a result's content is compared by. */
export function fingerprint(value: unknown): Buffer {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest()
    .subarray(0, FINGERPRINT_BYTES)
}

/**
 * Tallies what came back for the submitted `ids`: how often each id came back and, with
 * `content`, a fingerprint of its content to compare with a reference afterwards. A few bytes
 * per id in typed arrays, not the results themselves, so that a load scenario's memory figures
 * stay its own.
 */
export function exactTally(ids: IdSpace, { content = true } = {}) {
  const times = new Uint8Array(ids.count)
  const referenced = new Uint8Array(ids.count)
  const prints = content ? Buffer.alloc(ids.count * FINGERPRINT_BYTES) : undefined
  const mismatched = new Set<number>()
  const extra: string[] = []
  let extraCount = 0
  let returned = 0
  const printAt = (index: number) =>
    (prints as Buffer).subarray(index * FINGERPRINT_BYTES, (index + 1) * FINGERPRINT_BYTES)

  return {
    /** One result came back under `id` (with its content when the tally compares contents). */
    record(id: string, value?: unknown): void {
      returned++
      const index = ids.indexOf(id)
      if (index < 0) {
        if (extra.length < SAMPLES) extra.push(id)
        extraCount++
        return
      }
      times[index] = Math.min(255, (times[index] ?? 0) + 1)
      if (!prints) return
      const print = fingerprint(value)
      if (times[index] === 1) print.copy(prints, index * FINGERPRINT_BYTES)
      else if (!print.equals(printAt(index))) mismatched.add(index)
    },
    /** The reference's content for `id`; an id outside the submitted ones is a reference defect. */
    compare(id: string, expected: unknown): void {
      const index = ids.indexOf(id)
      if (index < 0 || !prints) throw new Error(`reference result for an unknown id: ${id}`)
      referenced[index] = 1
      if (times[index] && !fingerprint(expected).equals(printAt(index))) mismatched.add(index)
    },
    outcome(): ExactOutcome {
      const samples: ExactOutcome['samples'] = {
        lost: [],
        duplicated: [],
        extra,
        mismatched: [...mismatched].slice(0, SAMPLES).map(ids.idOf),
        unchecked: [],
      }
      let lost = 0
      let duplicates = 0
      let unchecked = 0
      const note = (list: string[], index: number) => {
        if (list.length < SAMPLES) list.push(ids.idOf(index))
      }
      for (let index = 0; index < ids.count; index++) {
        const n = times[index] ?? 0
        if (n === 0) {
          lost++
          note(samples.lost, index)
        } else if (n > 1) {
          duplicates += n - 1
          note(samples.duplicated, index)
        }
        if (prints && n > 0 && !referenced[index]) {
          unchecked++
          note(samples.unchecked, index)
        }
      }
      const counts = { lost, duplicates, extra: extraCount, mismatched: mismatched.size, unchecked }
      return { submitted: ids.count, returned, ...counts, samples }
    },
  }
}

/** Every submitted id came back exactly once, no other id did, and every content equals the reference. */
export function expectExact(outcome: ExactOutcome, what: string): void {
  const { lost, duplicates, extra, mismatched, unchecked, samples } = outcome
  expect(
    { lost, duplicates, extra, mismatched, unchecked },
    `${what}: ${JSON.stringify(samples)}`,
  ).toEqual({ lost: 0, duplicates: 0, extra: 0, mismatched: 0, unchecked: 0 })
}
