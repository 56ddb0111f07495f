import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Extractor, ExtractorElement } from './api'
import { InvalidOptionError, ParseError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'

// The fields of a definition: `satisfies` makes the compiler keep the list complete.
const EXTRACTOR_FIELDS = Object.keys({
  name: true,
  version: true,
  parse: true,
  element: true,
  document: true,
  relate: true,
} satisfies Record<keyof Extractor, true>)

/**
 * Checks an extractor definition and returns it frozen. `name` and `version` must be non-empty
 * strings and `parse`, `element`, `document` functions (`relate` optional); otherwise throws
 * `InvalidOptionError` naming the field, as does a field of any other name (a misspelt `relate`
 * would otherwise never run).
 */
export function defineExtractor<E extends ExtractorElement, M, D, R = unknown>(
  definition: Extractor<E, M, D, R>,
): Extractor<E, M, D, R> {
  if (typeof definition === 'object' && definition !== null) {
    checkKnownKeys(definition, EXTRACTOR_FIELDS, 'defineExtractor()', 'extractor')
  }
  return Object.freeze({ ...checkExtractor(definition, 'extractor') }) as Extractor<E, M, D, R>
}

/** Validates an extractor-shaped value; `path` prefixes the option named in errors. */
export function checkExtractor(value: unknown, path: string): Extractor {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError(
      path,
      `${path} must be an extractor object, got ${describeValue(value)}`,
    )
  }
  const candidate = value as Record<string, unknown>
  for (const field of ['name', 'version'] as const) {
    const v = candidate[field]
    if (typeof v !== 'string' || v === '') {
      throw new InvalidOptionError(
        `${path}.${field}`,
        `${path}.${field} must be a non-empty string, got ${describeValue(v)}`,
      )
    }
  }
  for (const field of ['parse', 'element', 'document'] as const) {
    if (typeof candidate[field] !== 'function') {
      throw new InvalidOptionError(
        `${path}.${field}`,
        `${path}.${field} must be a function, got ${describeValue(candidate[field])}`,
      )
    }
  }
  if (candidate.relate !== undefined && typeof candidate.relate !== 'function') {
    throw new InvalidOptionError(
      `${path}.relate`,
      `${path}.relate must be a function when given, got ${describeValue(candidate.relate)}`,
    )
  }
  return candidate as unknown as Extractor
}

/** File URL (href) of an extractor module given as a URL, a file: string or a path (relative to cwd). */
export function moduleHref(specifier: URL | string): string {
  if (specifier instanceof URL) return specifier.href
  if (specifier.startsWith('file:')) return specifier
  return pathToFileURL(isAbsolute(specifier) ? specifier : resolve(specifier)).href
}

/** Picks the extractor out of a module's exports: the default export or the named `extractor`. */
export function extractorFromModule(exports: Record<string, unknown>, href: string): Extractor {
  let candidate = exports.default ?? exports.extractor
  // A CommonJS module imported from ESM: the extractor sits on `default.default` or `default.extractor`.
  if (candidate && typeof candidate === 'object' && !('parse' in candidate)) {
    const inner = candidate as Record<string, unknown>
    candidate = inner.default ?? inner.extractor ?? candidate
  }
  if (candidate === undefined) {
    throw new InvalidOptionError(
      'extractor',
      `extractor module ${href} has neither a default export nor an export named extractor`,
    )
  }
  return checkExtractor(candidate, 'extractor')
}

/** Imports an extractor module; a missing or broken module throws `InvalidOptionError('extractor')`. */
export async function loadExtractor(href: string): Promise<Extractor> {
  let exports: Record<string, unknown>
  try {
    exports = (await import(href)) as Record<string, unknown>
  } catch (error) {
    throw new InvalidOptionError(
      'extractor',
      `extractor module ${href} could not be loaded: ${(error as Error).message}`,
      { cause: error },
    )
  }
  return extractorFromModule(exports, href)
}

/** Checks what `parse` returned: an array of elements with string ids, no id twice. */
export function checkElements(docId: string, elements: unknown): ExtractorElement[] {
  if (!Array.isArray(elements)) {
    throw new ParseError(
      docId,
      `parse must return an array of elements, got ${describeValue(elements)}`,
    )
  }
  const seen = new Set<string>()
  for (const element of elements) {
    const id = (element as ExtractorElement | null)?.id
    if (typeof id !== 'string') {
      throw new ParseError(
        docId,
        `parse returned an element without a string id: ${describeValue(element)}`,
      )
    }
    if (seen.has(id)) throw new ParseError(docId, `parse returned the element id ${id} twice`)
    seen.add(id)
  }
  return elements as ExtractorElement[]
}
