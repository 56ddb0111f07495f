import { InvalidOptionError } from '../errors'
import type { CommitRequest, VersionInfo, VersionRecord } from '../store-types'

/** Checks a commit request is internally consistent before any store touches it. */
export function validateCommit(docId: string, request: CommitRequest): void {
  if (typeof docId !== 'string' || docId === '') {
    throw new InvalidOptionError('docId', 'docId must be a non-empty string')
  }
  const expected = (request.base ?? 0) + 1
  if (request.record.version !== expected) {
    throw new InvalidOptionError(
      'record.version',
      `record.version must be base + 1 (${expected}), got ${request.record.version}`,
    )
  }
  if (request.record.docId !== docId) {
    throw new InvalidOptionError('record.docId', `record.docId must be "${docId}"`)
  }
}

/** The summary `history()` shows for a stored record. */
export function infoOf(record: VersionRecord): VersionInfo {
  const info: VersionInfo = {
    version: record.version,
    parent: record.parent,
    createdAt: record.createdAt,
    kind: record.kind,
    elementCount: record.elementCount,
  }
  if (record.rollbackOf !== undefined) info.rollbackOf = record.rollbackOf
  return info
}
