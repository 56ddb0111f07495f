import fc from 'fast-check'
import { expect } from 'vitest'

/** Strings chosen to break code that treats keys or ids as paths, globs, protocols or text. */
const nastyStrings = [
  '',
  ' ',
  '.',
  '..',
  '../',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '/etc/passwd',
  'C:\\',
  '\u0000',
  'a\u0000b',
  '\u0000\u0000',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u202E',
  '🙂',
  'é',
  'e\u0301',
  '*',
  '?',
  '[',
  '\\',
  '%2e%2e%2f',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '{{',
  '}}',
  '{{ $value',
  '$(rm -rf /)',
  '\r\n',
  'x'.repeat(10_000),
]

/** A hostile string: a known-bad one, arbitrary full-unicode text, or a mix of both. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...nastyStrings),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.tuple(fc.constantFrom(...nastyStrings), fc.string({ maxLength: 8 })).map(([a, b]) => a + b),
)

/** A huge string (up to 1 MB): size limits and hashing of large keys. */
export const hugeString: fc.Arbitrary<string> = fc
  .integer({ min: 100_000, max: 1_000_000 })
  .map((length) => 'k'.repeat(length))

/** Numbers that break naive range checks. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    2 ** 31,
    2 ** 32,
  ),
  fc.double(),
  fc.integer(),
)

/**
 * Any value a caller could pass where an option is expected, Symbols, BigInts and
 * null-prototype objects included (values a careless message formatter throws on).
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostileString,
  fc.constantFrom(undefined, null, true, false, () => {}, [], {}, new Date(Number.NaN), /x/),
  fc.constantFrom(Symbol('hostile'), 10n, -1n),
  fc.constant(null).map(() => Object.create(null) as unknown),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.anything({ maxDepth: 1 }), {
    maxKeys: 4,
    noNullPrototype: true,
  }),
)

/** An options object: a mix of known option names (with hostile values) and junk keys. */
export function hostileOptions(names: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(names.map((name) => [name, hostileValue])), {
    requiredKeys: [],
  })
}

type ErrorClass = abstract new (...args: never[]) => Error

/**
 * Runs `fn` (sync or async) and asserts it either returns or throws an instance of the package's
 * `MxError` with a stable string `code`; anything else (a TypeError, a RangeError, a crash) fails.
 * An async call still pending after `timeoutMs` fails as a hang.
 */
export async function onlyTypedErrors<T>(
  base: ErrorClass,
  fn: () => T | Promise<T>,
  timeoutMs = 5_000,
): Promise<{ ok: true; value: T } | { ok: false; error: Error & { code: string } }> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return { ok: true, value: await Promise.race([Promise.resolve().then(fn), hang]) }
  } catch (error) {
    if (!(error instanceof base)) {
      throw new Error(`expected only ${base.name} errors, got ${describeError(error)}`, {
        cause: error,
      })
    }
    const code = (error as { code?: unknown }).code
    expect(typeof code, `code of ${describeError(error)}`).toBe('string')
    expect(code as string).toMatch(/^MX_[A-Z0-9_]+$/)
    return { ok: false, error: error as Error & { code: string } }
  } finally {
    clearTimeout(timer)
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message.slice(0, 300)}`
  return `a thrown ${typeof error}: ${String(error).slice(0, 100)}`
}

/**
 * A property that has not finished its runs within this limit fails (it never passes with fewer
 * runs than it says). The same limit holds in the 10× long variant (`MX_LONG=1`): measured on
 * 2 busy cores, every property takes under 3 s in the CI variant and under 30 s in the long one
 * (see docs/reliability.md). A property that comes near the limit gets fewer runs, not a higher
 * limit.
 */
const FUZZ_TIME_LIMIT_MS = 120_000

/** fast-check settings for the suite: bounded runs, reproducible from the printed seed. */
export function fuzzRuns(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.MX_FUZZ_SEED ? Number(process.env.MX_FUZZ_SEED) : undefined
  return {
    numRuns: process.env.MX_LONG === '1' ? numRuns * 10 : numRuns,
    ...(seed === undefined ? {} : { seed }),
    interruptAfterTimeLimit: FUZZ_TIME_LIMIT_MS,
    markInterruptAsFailure: true,
  }
}

/** False for a string holding a lone surrogate (it has no exact UTF-8 encoding). */
export function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)
}
