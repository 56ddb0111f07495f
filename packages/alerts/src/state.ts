import type { CompiledRule } from './rules'
import type { Alert, AlertState, Labels, NotifiedAlert } from './types'

/** The lifecycle part of a state; `nodata`/`error` overlay it without losing it. */
export type Phase = 'inactive' | 'pending' | 'firing' | 'resolved'

/** Mutable per-rule record the manager keeps; `toAlert()` makes the public copy. */
export interface AlertRecord {
  rule: CompiledRule
  phase: Phase
  overlay: 'nodata' | 'error' | undefined
  value: number | undefined
  activeAt: number | undefined
  firedAt: number | undefined
  resolvedAt: number | undefined
  keepFiringSince: number | undefined
  lastActive: boolean | undefined
  lastEvaluatedAt: number | undefined
  error: string | undefined
  flapping: boolean
  /** Times of recent firing/resolved changes, for flap detection. */
  changes: number[]
  labels: Labels
  annotations: Record<string, string>
  renderedFor: number | undefined
}

/** What one evaluation produced for a rule. */
export type Outcome =
  | { kind: 'value'; value: number }
  | { kind: 'nodata' }
  | { kind: 'error'; error: string }

/** Result of a step: the public state before and after, and flap flips. */
export interface StepResult {
  from: AlertState
  to: AlertState
  flapStarted: boolean
  flapEnded: boolean
}

export function newRecord(rule: CompiledRule): AlertRecord {
  return {
    rule,
    phase: 'inactive',
    overlay: undefined,
    value: undefined,
    activeAt: undefined,
    firedAt: undefined,
    resolvedAt: undefined,
    keepFiringSince: undefined,
    lastActive: undefined,
    lastEvaluatedAt: undefined,
    error: undefined,
    flapping: false,
    changes: [],
    labels: rule.labels,
    annotations: {},
    renderedFor: undefined,
  }
}

export function stateOf(record: AlertRecord): AlertState {
  return record.overlay ?? record.phase
}

/** Renders annotations for the record's current value and labels. */
export function render(record: AlertRecord): void {
  const annotations: Record<string, string> = {}
  const data = { value: record.value, labels: record.labels }
  for (const [key, template] of record.rule.annotations) annotations[key] = template(data)
  record.annotations = annotations
  record.renderedFor = record.value
}

function noteChange(record: AlertRecord, now: number): boolean {
  const flap = record.rule.flap
  if (!flap) return false
  const changes = record.changes
  changes.push(now)
  while (changes.length > 0 && (changes[0] as number) <= now - flap.windowMs) changes.shift()
  if (!record.flapping && changes.length >= flap.maxChanges) {
    record.flapping = true
    return true
  }
  return false
}

// step() runs for every rule on every evaluation: it fills this one object instead of
// allocating a result per rule, which keeps 10,000-rule evaluations off the garbage collector.
const shared: StepResult = {
  from: 'inactive',
  to: 'inactive',
  flapStarted: false,
  flapEnded: false,
}

function result(
  from: AlertState,
  to: AlertState,
  flapStarted: boolean,
  flapEnded: boolean,
): StepResult {
  shared.from = from
  shared.to = to
  shared.flapStarted = flapStarted
  shared.flapEnded = flapEnded
  return shared
}

/**
 * Advances one alert by one evaluation at `now`: inactive → pending → firing → resolved with
 * `for`, `keepFiringFor`, hysteresis through `resolveThreshold`, the nodata/error mapping,
 * and flap detection (a flapping alert is stable again after `stableFor` without a change).
 * The returned object is reused by the next call.
 */
export function step(record: AlertRecord, outcome: Outcome, now: number): StepResult {
  const rule = record.rule
  const from = stateOf(record)
  record.lastEvaluatedAt = now
  let flapStarted = false
  let flapEnded = false
  let active: boolean
  if (outcome.kind === 'value') {
    record.value = outcome.value
    record.error = undefined
    record.overlay = undefined
    const holding = record.phase === 'pending' || record.phase === 'firing'
    const threshold =
      holding && rule.resolveThreshold !== undefined ? rule.resolveThreshold : rule.threshold
    active = rule.compare(outcome.value, threshold)
  } else {
    const mapping = outcome.kind === 'nodata' ? rule.noData : rule.onError
    if (outcome.kind === 'error') record.error = outcome.error
    if (mapping === 'nodata' || mapping === 'error') {
      record.overlay = mapping
      return result(from, mapping, flapStarted, flapEnded)
    }
    record.overlay = undefined
    active = mapping === 'alerting' ? true : mapping === 'ok' ? false : (record.lastActive ?? false)
  }
  record.lastActive = active

  switch (record.phase) {
    case 'inactive':
    case 'resolved':
      if (active) {
        record.activeAt = now
        record.keepFiringSince = undefined
        record.resolvedAt = undefined
        record.firedAt = undefined
        record.labels = rule.labels
        if (rule.forMs === 0) {
          record.phase = 'firing'
          record.firedAt = now
          flapStarted = noteChange(record, now)
        } else {
          record.phase = 'pending'
        }
      }
      break
    case 'pending':
      if (!active) {
        record.phase = 'inactive'
        record.activeAt = undefined
      } else if (now - (record.activeAt as number) >= rule.forMs) {
        record.phase = 'firing'
        record.firedAt = now
        flapStarted = noteChange(record, now)
      }
      break
    case 'firing':
      if (active) {
        record.keepFiringSince = undefined
      } else {
        record.keepFiringSince ??= now
        if (now - record.keepFiringSince >= rule.keepFiringForMs) {
          record.phase = 'resolved'
          record.resolvedAt = now
          record.keepFiringSince = undefined
          flapStarted = noteChange(record, now)
        }
      }
      break
  }
  if (record.flapping && !flapStarted && rule.flap) {
    const last = record.changes[record.changes.length - 1]
    if (last === undefined || now - last >= rule.flap.stableForMs) {
      record.flapping = false
      flapEnded = true
    }
  }
  const to = stateOf(record)
  if ((to === 'pending' || to === 'firing') && (from !== to || record.renderedFor !== record.value))
    render(record)
  return result(from, to, flapStarted, flapEnded)
}

/** Public, detached copy of a record. */
export function toAlert(record: AlertRecord): Alert {
  return {
    rule: record.rule.name,
    fingerprint: record.rule.fingerprint,
    state: stateOf(record),
    labels: { ...record.labels },
    annotations: { ...record.annotations },
    value: record.value,
    activeAt: record.activeAt,
    firedAt: record.firedAt,
    resolvedAt: record.resolvedAt,
    keepFiringSince: record.keepFiringSince,
    flapping: record.flapping,
    error: record.error,
    lastEvaluatedAt: record.lastEvaluatedAt,
  }
}

/** The record as the dispatcher sees it: firing, or resolved (anything else). */
export function notified(record: AlertRecord): NotifiedAlert {
  const firing = record.phase === 'firing'
  return {
    status: firing ? 'firing' : 'resolved',
    labels: record.labels,
    annotations: record.annotations,
    startsAt: record.firedAt ?? record.activeAt ?? 0,
    endsAt: firing ? 0 : (record.resolvedAt ?? record.lastEvaluatedAt ?? 0),
    fingerprint: record.rule.fingerprint,
    value: record.value,
  }
}
