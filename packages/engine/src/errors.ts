import { MxError, type MxErrorOptions } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** The message of a thrown value, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A stable per-document error code (the `error.code` of an `ok: false` result). */
export type DocumentErrorCode =
  | 'MX_ENGINE_PARSE'
  | 'MX_ENGINE_EXTRACT'
  | 'MX_ENGINE_TIMEOUT'
  | 'MX_ENGINE_CRASH'
  | 'MX_ENGINE_INPUT'
  | 'MX_ENGINE_CIRCUIT_OPEN'

/** Base of the errors a single document can fail with; `docId` names the document. */
export class DocumentError extends MxError {
  readonly docId: string

  constructor(
    code: DocumentErrorCode,
    docId: string,
    message: string,
    options: MxErrorOptions = {},
  ) {
    super(code, message, { ...options, context: { docId, ...options.context } })
    this.docId = docId
  }
}

/** `parse()` threw, or returned something that is not a list of `{ id: string }` elements. */
export class ParseError extends DocumentError {
  constructor(docId: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ENGINE_PARSE', docId, message, options)
  }
}

/** `element()` or `document()` threw. */
export class ExtractError extends DocumentError {
  constructor(docId: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ENGINE_EXTRACT', docId, message, options)
  }
}

/** The document's work ran past the engine's `timeout`. */
export class ExtractTimeoutError extends DocumentError {
  constructor(docId: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ENGINE_TIMEOUT', docId, message, options)
  }
}

/** The worker thread running the document's elements crashed (exit, uncaught error, OOM). */
export class WorkerCrashError extends DocumentError {
  constructor(docId: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ENGINE_CRASH', docId, message, options)
  }
}

/** The value passed as a document is not a valid `SourceDocument`. */
export class InputError extends DocumentError {
  constructor(docId: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ENGINE_INPUT', docId, message, options)
  }
}

/** The message of `MX_ENGINE_CIRCUIT_OPEN`. */
export function circuitOpenMessage(docId: string, extractor: string): string {
  return `document ${docId}: the circuit breaker of extractor ${extractor} is open`
}

/**
 * The circuit breaker of the document's extractor is open: the document failed fast without
 * reaching the extractor (or went on to the next extractor of the chain). `extractor` names it.
 */
export class CircuitOpenError extends DocumentError {
  readonly extractor: string

  constructor(docId: string, extractor: string, options: MxErrorOptions = {}) {
    super('MX_ENGINE_CIRCUIT_OPEN', docId, circuitOpenMessage(docId, extractor), {
      ...options,
      context: { extractor, ...options.context },
    })
    this.extractor = extractor
  }
}

/** The engine was closed; `extract` and `extractMany` reject with `MX_ENGINE_CLOSED`. */
export class EngineClosedError extends MxError {
  constructor() {
    super('MX_ENGINE_CLOSED', 'the engine is closed')
  }
}

/** An `extractMany` run was aborted through its signal (`MX_ENGINE_ABORTED`). */
export class AbortedError extends MxError {
  constructor(options: MxErrorOptions = {}) {
    super('MX_ENGINE_ABORTED', 'the extraction was aborted', options)
  }
}
