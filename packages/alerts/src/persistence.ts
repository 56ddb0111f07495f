import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Dispatcher, GroupState } from './dispatcher'
import { StateFileError } from './errors'
import type { SilenceStore } from './silences'
import { type AlertRecord, notified } from './state'
import type { Silence } from './types'

/** One alert as stored in the state file: its record, with the rule by name and no render cache. */
export type PersistedAlert = Omit<AlertRecord, 'rule' | 'renderedFor'> & { rule: string }

/** The whole state file. */
export interface StateFileContent {
  version: 1
  savedAt: number
  alerts: PersistedAlert[]
  silences: Silence[]
  groups: GroupState[]
}

export function persistRecord(record: AlertRecord): PersistedAlert {
  return {
    rule: record.rule.name,
    phase: record.phase,
    overlay: record.overlay,
    value: record.value,
    activeAt: record.activeAt,
    firedAt: record.firedAt,
    resolvedAt: record.resolvedAt,
    keepFiringSince: record.keepFiringSince,
    lastActive: record.lastActive,
    lastEvaluatedAt: record.lastEvaluatedAt,
    error: record.error,
    flapping: record.flapping,
    changes: [...record.changes],
    labels: record.labels,
    annotations: record.annotations,
  }
}

export function restoreRecord(record: AlertRecord, saved: PersistedAlert): void {
  record.phase = saved.phase
  record.overlay = saved.overlay ?? undefined
  record.value = saved.value ?? undefined
  record.activeAt = saved.activeAt ?? undefined
  record.firedAt = saved.firedAt ?? undefined
  record.resolvedAt = saved.resolvedAt ?? undefined
  record.keepFiringSince = saved.keepFiringSince ?? undefined
  record.lastActive = saved.lastActive ?? undefined
  record.lastEvaluatedAt = saved.lastEvaluatedAt ?? undefined
  record.error = saved.error ?? undefined
  record.flapping = saved.flapping === true
  record.changes = Array.isArray(saved.changes)
    ? saved.changes.filter((t) => typeof t === 'number')
    : []
  record.labels = { ...saved.labels, ...record.rule.labels }
  record.annotations = { ...saved.annotations }
  record.renderedFor = record.value
}

const PHASES = new Set(['inactive', 'pending', 'firing', 'resolved'])

/** Reads the state file; `undefined` when it does not exist, `StateFileError` when it is unreadable. */
export async function readStateFile(path: string): Promise<StateFileContent | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new StateFileError(path, `cannot read state file ${path}`, { cause: error })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new StateFileError(path, `state file ${path} is not valid JSON`, { cause: error })
  }
  const content = parsed as Partial<StateFileContent>
  if (content?.version !== 1 || !Array.isArray(content.alerts)) {
    throw new StateFileError(path, `state file ${path} has an unknown format`)
  }
  return {
    version: 1,
    savedAt: Number(content.savedAt) || 0,
    alerts: content.alerts.filter((a) => a && typeof a.rule === 'string' && PHASES.has(a.phase)),
    silences: Array.isArray(content.silences) ? content.silences : [],
    groups: Array.isArray(content.groups) ? content.groups : [],
  }
}

/** Writes the state file atomically: a temp file in the same directory, then rename over. */
export async function writeStateFile(path: string, content: StateFileContent): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(temp, JSON.stringify(content))
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw new StateFileError(path, `cannot write state file ${path}`, { cause: error })
  }
}

/**
 * The manager's state file: restores alerts, silences and groups once, and saves coalesced
 * snapshots one write at a time (a save asked for during a write happens right after it).
 */
export class StateFile {
  private writing: Promise<void> = Promise.resolve()
  private queued = false

  constructor(
    readonly path: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async restore(
    now: number,
    records: AlertRecord[],
    silences: SilenceStore,
    dispatcher: Dispatcher,
  ): Promise<void> {
    try {
      const saved = await readStateFile(this.path)
      if (!saved) return
      const byName = new Map(records.map((r) => [r.rule.name, r]))
      for (const alert of saved.alerts) {
        const record = byName.get(alert.rule)
        if (record) restoreRecord(record, alert)
      }
      for (const silence of saved.silences) {
        if (silence.endsAt > now) silences.add(silence, now, silence.id)
      }
      const byFingerprint = new Map(records.map((r) => [r.rule.fingerprint, r]))
      dispatcher.import(saved.groups, (fingerprint) => {
        const record = byFingerprint.get(fingerprint)
        return record && notified(record)
      })
    } catch (error) {
      this.onError(error)
    }
  }

  save(content: () => StateFileContent): void {
    if (this.queued) return
    this.queued = true
    this.writing = this.writing.then(async () => {
      this.queued = false
      try {
        await writeStateFile(this.path, content())
      } catch (error) {
        this.onError(error)
      }
    })
  }

  /** Resolves once no write is pending. */
  idle(): Promise<void> {
    return this.writing
  }
}
