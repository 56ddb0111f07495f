import { randomUUID } from 'node:crypto'
import { SilenceInvalidError } from './errors'
import { describeValue } from './kernel'
import { type CompiledMatcher, compileMatchers, toMatchers } from './matchers'
import type { Labels, Silence, SilenceInput } from './types'

interface Entry {
  silence: Silence
  match: CompiledMatcher
}

function toTime(value: number | Date | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback
  const ms = value instanceof Date ? value.getTime() : value
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new SilenceInvalidError(
      field,
      `silence ${field} must be a Date or a number of ms, got ${describeValue(value)}`,
    )
  }
  return ms
}

/** Silences with matchers and a time window; expired ones are dropped lazily. */
export class SilenceStore {
  private readonly entries = new Map<string, Entry>()

  add(input: SilenceInput, now: number, id: string = randomUUID()): Silence {
    if (input === null || typeof input !== 'object') {
      throw new SilenceInvalidError(
        'matchers',
        'silence must be an object with matchers and endsAt',
      )
    }
    const given = input.matchers ?? []
    if (typeof given !== 'object' || given === null) {
      throw new SilenceInvalidError(
        'matchers',
        `silence matchers must be labels or a matcher list, got ${describeValue(given)}`,
      )
    }
    for (const field of ['comment', 'createdBy'] as const) {
      if (input[field] !== undefined && typeof input[field] !== 'string') {
        throw new SilenceInvalidError(
          field,
          `silence ${field} must be a string, got ${describeValue(input[field])}`,
        )
      }
    }
    const matchers = toMatchers(given)
    if (matchers.length === 0) {
      throw new SilenceInvalidError('matchers', 'silence needs at least one matcher')
    }
    const match = compileMatchers(matchers)
    if (typeof match === 'string') throw new SilenceInvalidError('matchers', `silence ${match}`)
    const startsAt = toTime(input.startsAt, 'startsAt', now)
    const endsAt = toTime(input.endsAt, 'endsAt', Number.NaN)
    if (endsAt <= startsAt) {
      throw new SilenceInvalidError('endsAt', 'silence endsAt must be after startsAt')
    }
    const silence: Silence = {
      id,
      matchers,
      startsAt,
      endsAt,
      comment: input.comment ?? '',
      createdBy: input.createdBy ?? '',
    }
    this.entries.set(id, { silence, match })
    return silence
  }

  expire(id: string, now: number): boolean {
    const entry = this.entries.get(id)
    if (!entry) return false
    if (entry.silence.startsAt >= now) this.entries.delete(id)
    else entry.silence.endsAt = Math.min(entry.silence.endsAt, now)
    return true
  }

  /** Whether an active silence covers `labels` at `now`. */
  isSilenced(labels: Labels, now: number): boolean {
    for (const { silence, match } of this.entries.values()) {
      if (silence.startsAt <= now && now < silence.endsAt && match(labels)) return true
    }
    return false
  }

  /** Silences not yet ended at `now` (expired ones are forgotten). */
  list(now: number): Silence[] {
    const out: Silence[] = []
    for (const [id, { silence }] of this.entries) {
      if (silence.endsAt <= now) this.entries.delete(id)
      else out.push({ ...silence, matchers: silence.matchers.map((m) => ({ ...m })) })
    }
    return out
  }
}
