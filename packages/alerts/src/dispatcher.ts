import { durationOption } from './duration'
import { InvalidOptionError } from './errors'
import { checkKnownKeys } from './kernel'
import type { Labels, Notification, NotifiedAlert, RouteOptions } from './types'

/** Route timing resolved to ms. */
export interface RouteSettings {
  groupBy: string[]
  groupWaitMs: number
  groupIntervalMs: number
  repeatIntervalMs: number
  sendResolved: boolean
  receiver: string
}

// The keys `route` takes: `satisfies` makes the compiler keep the list complete.
const ROUTE_OPTIONS = Object.keys({
  groupBy: true,
  groupWait: true,
  groupInterval: true,
  repeatInterval: true,
  sendResolved: true,
  receiver: true,
} satisfies Record<keyof RouteOptions, true>)

/** Validates route options and resolves their defaults (Alertmanager's). */
export function routeSettings(route: RouteOptions = {}): RouteSettings {
  if (typeof route !== 'object' || route === null) {
    throw new InvalidOptionError('route', 'route must be an object of grouping and timing options')
  }
  checkKnownKeys(route, ROUTE_OPTIONS, 'createAlertManager()', 'route')
  const groupBy = route.groupBy ?? ['alertname']
  if (!Array.isArray(groupBy) || groupBy.some((n) => typeof n !== 'string')) {
    throw new InvalidOptionError('route.groupBy', 'route.groupBy must be an array of label names')
  }
  return {
    groupBy,
    groupWaitMs: durationOption('route.groupWait', route.groupWait ?? '30s'),
    groupIntervalMs: Math.max(
      1,
      durationOption('route.groupInterval', route.groupInterval ?? '5m'),
    ),
    repeatIntervalMs: durationOption('route.repeatInterval', route.repeatInterval ?? '4h'),
    sendResolved: route.sendResolved ?? true,
    receiver: route.receiver ?? 'default',
  }
}

/** One aggregation group; plain data so it can be persisted. */
export interface GroupState {
  key: string
  labels: Labels
  alerts: NotifiedAlert[]
  /** Time of the next flush (group wait first, then every group interval). */
  nextFlushAt: number
  /** Fingerprints of the firing alerts in the last notification sent. */
  lastFiring: string[]
  lastSentAt: number | undefined
}

/** Decides, at flush time, whether an alert is muted (silenced or inhibited). */
export type MuteCheck = (labels: Labels) => boolean

function groupLabels(labels: Labels, groupBy: string[]): Labels {
  if (groupBy.includes('...')) return { ...labels }
  const out: Labels = {}
  for (const name of groupBy) {
    const value = labels[name]
    if (value !== undefined) out[name] = value
  }
  return out
}

function keyOf(labels: Labels): string {
  const body = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',')
  return `{}:{${body}}`
}

function common<T extends Record<string, string>>(items: T[]): Record<string, string> {
  const [first, ...rest] = items
  if (!first) return {}
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(first)) {
    if (rest.every((item) => item[key] === value)) out[key] = value
  }
  return out
}

/**
 * Alertmanager-style aggregation: alerts are grouped by `groupBy`; a new group waits
 * `groupWait`, then is looked at every `groupInterval`. It sends when an alert fires that the
 * last notification did not carry, when a notified alert resolved (with `sendResolved`), or
 * when `repeatInterval` passed; anything else is a duplicate and is not sent. Resolved alerts
 * leave the group once flushed, and an empty group is dropped.
 */
export class Dispatcher {
  readonly groups = new Map<string, GroupState>()
  // Alerts of one rule share one labels object, so their group key is computed once.
  private readonly keys = new WeakMap<Labels, { key: string; labels: Labels }>()

  constructor(readonly route: RouteSettings) {}

  /** Adds or updates an alert; resolved alerts of unknown groups are dropped. */
  upsert(alert: NotifiedAlert, now: number): void {
    let cached = this.keys.get(alert.labels)
    if (!cached) {
      const labels = groupLabels(alert.labels, this.route.groupBy)
      cached = { key: keyOf(labels), labels }
      this.keys.set(alert.labels, cached)
    }
    const { key, labels } = cached
    let group = this.groups.get(key)
    if (!group) {
      if (alert.status === 'resolved') return
      group = {
        key,
        labels: { ...labels },
        alerts: [],
        nextFlushAt: now + this.route.groupWaitMs,
        lastFiring: [],
        lastSentAt: undefined,
      }
      this.groups.set(key, group)
    }
    const index = group.alerts.findIndex((a) => a.fingerprint === alert.fingerprint)
    if (index === -1) {
      if (alert.status !== 'resolved') group.alerts.push(alert)
    } else {
      group.alerts[index] = alert
    }
  }

  /** Earliest time a group needs looking at, if any. */
  nextDeadline(): number | undefined {
    let next: number | undefined
    for (const group of this.groups.values()) {
      if (next === undefined || group.nextFlushAt < next) next = group.nextFlushAt
    }
    return next
  }

  /** Flushes every group due at `now`, returning the notifications to send. */
  flush(now: number, muted: MuteCheck): Notification[] {
    const out: Notification[] = []
    for (const group of [...this.groups.values()]) {
      if (group.nextFlushAt > now) continue
      const notification = this.flushGroup(group, now, muted)
      if (notification) out.push(notification)
    }
    return out
  }

  private flushGroup(group: GroupState, now: number, muted: MuteCheck): Notification | undefined {
    const { sendResolved, repeatIntervalMs, groupIntervalMs } = this.route
    const last = new Set(group.lastFiring)
    const firing = group.alerts.filter((a) => a.status === 'firing' && !muted(a.labels))
    // Only alerts whose firing was notified get a resolved notification.
    const resolved = sendResolved
      ? group.alerts.filter((a) => a.status === 'resolved' && last.has(a.fingerprint))
      : []
    const newFiring = firing.some((a) => !last.has(a.fingerprint))
    const repeatDue =
      firing.length > 0 &&
      (group.lastSentAt === undefined || now - group.lastSentAt >= repeatIntervalMs)
    let notification: Notification | undefined
    if (newFiring || resolved.length > 0 || repeatDue) {
      const include = [...firing, ...resolved]
      notification = {
        receiver: this.route.receiver,
        status: firing.length > 0 ? 'firing' : 'resolved',
        groupKey: group.key,
        groupLabels: { ...group.labels },
        commonLabels: common(include.map((a) => a.labels)),
        commonAnnotations: common(include.map((a) => a.annotations)),
        alerts: include.map((a) => ({
          ...a,
          labels: { ...a.labels },
          annotations: { ...a.annotations },
        })),
        timestamp: now,
      }
      group.lastFiring = firing.map((a) => a.fingerprint)
      group.lastSentAt = now
    } else {
      const stillFiring = new Set(
        group.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint),
      )
      group.lastFiring = group.lastFiring.filter((fp) => stillFiring.has(fp))
    }
    group.alerts = group.alerts.filter((a) => a.status === 'firing')
    group.nextFlushAt = now + groupIntervalMs
    if (group.alerts.length === 0) this.groups.delete(group.key)
    return notification
  }

  /** Plain-data copy of all groups, for the state file. */
  export(): GroupState[] {
    return [...this.groups.values()].map((g) => ({ ...g, alerts: g.alerts.map((a) => ({ ...a })) }))
  }

  /**
   * Restores persisted groups. `current` maps a fingerprint to the alert's state now: alerts of
   * rules that no longer exist are dropped, and ones that stopped firing meanwhile turn resolved.
   */
  import(groups: GroupState[], current: (fingerprint: string) => NotifiedAlert | undefined): void {
    for (const group of groups) {
      if (!group || typeof group.key !== 'string' || !Array.isArray(group.alerts)) continue
      const alerts: NotifiedAlert[] = []
      for (const saved of group.alerts) {
        const now = current(saved.fingerprint)
        if (now) alerts.push(saved.status === 'firing' && now.status === 'resolved' ? now : saved)
      }
      if (alerts.length === 0) continue
      this.groups.set(group.key, {
        ...group,
        alerts,
        lastFiring: Array.isArray(group.lastFiring) ? group.lastFiring : [],
      })
    }
  }
}
