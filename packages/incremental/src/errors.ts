import { describeValue, MxError, type MxErrorOptions } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** Two elements of one document share an id (`MX_INCREMENTAL_DUPLICATE_ID`). */
export class DuplicateIdError extends MxError {
  readonly id: string

  constructor(id: string, indexes: [number, number]) {
    super(
      'MX_INCREMENTAL_DUPLICATE_ID',
      `element id "${id}" appears twice (at index ${indexes[0]} and ${indexes[1]})`,
      { context: { id, indexes } },
    )
    this.id = id
  }
}

/** An element has no usable `id`: missing, empty or not a string (`MX_INCREMENTAL_MISSING_ID`). */
export class MissingIdError extends MxError {
  readonly index: number

  constructor(index: number, got: unknown) {
    super(
      'MX_INCREMENTAL_MISSING_ID',
      `element at index ${index} needs a non-empty string id, got ${describeValue(got)}`,
      { context: { index } },
    )
    this.index = index
  }
}

/** A value cannot be stored as JSON (function, symbol, bigint, cycle, NaN, class instance...). */
export class NotSerializableError extends MxError {
  readonly path: string

  constructor(path: string, reason: string) {
    super('MX_INCREMENTAL_NOT_SERIALIZABLE', `value at ${path} is not serializable: ${reason}`, {
      context: { path },
    })
    this.path = path
  }
}

/** A version (or a document with no versions at all) does not exist (`MX_INCREMENTAL_UNKNOWN_VERSION`). */
export class UnknownVersionError extends MxError {
  constructor(docId: string, version: number | null) {
    super(
      'MX_INCREMENTAL_UNKNOWN_VERSION',
      version === null
        ? `document "${docId}" has no versions`
        : `document "${docId}" has no version ${version}`,
      { context: { docId, version } },
    )
  }
}

/** A commit was based on a version that is no longer the latest (`MX_INCREMENTAL_VERSION_CONFLICT`). */
export class VersionConflictError extends MxError {
  constructor(docId: string, base: number | null, head: number | null) {
    super(
      'MX_INCREMENTAL_VERSION_CONFLICT',
      `document "${docId}" moved on: commit based on version ${base ?? 'none'} but the latest is ${head ?? 'none'}`,
      { context: { docId, base, head } },
    )
  }
}

/** A stored file failed its checksum or could not be parsed (`MX_INCREMENTAL_STORE_CORRUPT`). */
export class StoreCorruptError extends MxError {
  constructor(file: string, reason: string, options: MxErrorOptions = {}) {
    super('MX_INCREMENTAL_STORE_CORRUPT', `store file ${file} is corrupt: ${reason}`, {
      ...options,
      context: { file, ...options.context },
    })
  }
}

/** A derived value depends on itself, directly or through others (`MX_INCREMENTAL_CYCLE`). */
export class CycleError extends MxError {
  constructor(path: string[]) {
    super('MX_INCREMENTAL_CYCLE', `dependency cycle: ${path.join(' -> ')}`, { context: { path } })
  }
}

/** A node was read that is neither a set input nor a defined derived value (`MX_INCREMENTAL_UNKNOWN_NODE`). */
export class UnknownNodeError extends MxError {
  constructor(key: string) {
    super('MX_INCREMENTAL_UNKNOWN_NODE', `no input or derived value named "${key}"`, {
      context: { key },
    })
  }
}

/**
 * A batch hook (`spec.elements`) returned something other than one result per element it was
 * given (`MX_INCREMENTAL_BATCH_RESULT`): not an array, or an array of the wrong length.
 */
export class BatchResultError extends MxError {
  readonly expected: number
  readonly received: number | null

  constructor(expected: number, value: unknown) {
    const received = Array.isArray(value) ? value.length : null
    super(
      'MX_INCREMENTAL_BATCH_RESULT',
      received === null
        ? `spec.elements must return an array of ${expected} results, got ${describeValue(value)}`
        : `spec.elements must return ${expected} results (one per dirty element, in order), got ${received}`,
      { context: { expected, received } },
    )
    this.expected = expected
    this.received = received
  }
}
