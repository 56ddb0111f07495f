import type { Delivery } from './delivery'
import type { Dispatcher, MuteCheck } from './dispatcher'
import type { Inhibitor } from './inhibit'
import type { Clock } from './kernel'
import { notificationChannel } from './manager-events'
import type { SilenceStore } from './silences'
import { type AlertRecord, notified } from './state'
import type { AlertState, Labels, Notification } from './types'

/** What the scheduler reads and feeds; `persist` runs after a timer flush sent something. */
export interface SchedulerDeps {
  clock: Clock
  records: AlertRecord[]
  dispatcher: Dispatcher
  inhibitor: Inhibitor
  silences: SilenceStore
  delivery: Delivery
  persist: () => void
}

/**
 * Routes alert changes into their groups and flushes due groups to the sinks: at the end of
 * each evaluation, and between evaluations from one timer on the clock, set for the earliest
 * group deadline (group waits and intervals need not line up with the evaluation interval).
 */
export class NotificationScheduler {
  private timer: unknown
  private timerAt: number | undefined
  private stopped = false

  constructor(private readonly deps: SchedulerDeps) {}

  /** Hands the group a firing alert that just started to fire, or one that resolved. */
  route(record: AlertRecord, from: AlertState, to: AlertState, now: number): void {
    if (to === 'firing' && from !== 'firing') this.deps.dispatcher.upsert(notified(record), now)
    else if (to === 'resolved') this.deps.dispatcher.upsert(notified(record), now)
  }

  /** Hands the group the alert as it is now, whatever its state. */
  update(record: AlertRecord, now: number): void {
    this.deps.dispatcher.upsert(notified(record), now)
  }

  /** Sends the groups due by `now` to the sinks and sets the timer for the next deadline. */
  flush(now: number): Notification[] {
    const { dispatcher, delivery } = this.deps
    const due = dispatcher.nextDeadline()
    const sent = due !== undefined && due <= now ? dispatcher.flush(now, this.muted(now)) : []
    for (const notification of sent) {
      if (notificationChannel.hasSubscribers) notificationChannel.publish(notification)
      delivery.enqueue(notification)
    }
    this.schedule()
    return sent
  }

  /** Clears the timer for good. */
  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Silenced, or inhibited by an alert firing now (that list is built once, if needed). */
  private muted(now: number): MuteCheck {
    const { records, inhibitor, silences } = this.deps
    let firing: Labels[] | undefined
    return (labels: Labels) => {
      if (silences.isSilenced(labels, now)) return true
      if (inhibitor.empty) return false
      firing ??= records.filter((r) => r.phase === 'firing').map((r) => r.labels)
      return inhibitor.inhibited(labels, firing)
    }
  }

  private schedule(): void {
    const { clock, dispatcher } = this.deps
    const at = this.stopped ? undefined : dispatcher.nextDeadline()
    // Unchanged deadline: keep the timer rather than clearing and setting it on every flush.
    if (at === this.timerAt) return
    if (this.timer !== undefined) clock.clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = at
    if (at === undefined) return
    this.timer = clock.setTimeout(() => {
      this.timer = undefined
      this.timerAt = undefined
      if (this.stopped) return
      if (this.flush(clock.now()).length > 0) this.deps.persist()
    }, at - clock.now())
  }
}
