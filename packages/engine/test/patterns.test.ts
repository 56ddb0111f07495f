import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  createEngine,
  createErrorPatterns,
  errorTemplate,
  InvalidOptionError,
  OTHER_TEMPLATE,
} from '../src/index'
import { collect } from './helpers'

/** Parse fails with one of six messages, in turn, whose ids, numbers, paths and values vary. */
const failing = {
  name: 'patterns',
  version: '1',
  parse(doc: { id: string; content: unknown }) {
    const i = Number(String(doc.content))
    const hex = createHash('sha256').update(String(i)).digest('hex').slice(0, 16)
    switch (i % 6) {
      case 0:
        throw new Error(`cannot read /srv/docs/${i}/index.md: ENOENT`)
      case 1:
        throw new Error(`Unexpected token '${'xyz'[i % 3]}' at line ${i}, column ${i * 3}`)
      case 2:
        throw Object.assign(new Error(`document ${doc.id} is too large (${i * 1000} bytes)`), {
          code: 'MY_TOO_LARGE',
        })
      case 3:
        throw new Error(
          `fetch https://example.com/api/${i}?page=${i} failed with status 50${i % 4}`,
        )
      case 4:
        throw new Error(`checksum mismatch: expected ${hex} got 0x${i.toString(16)}`)
      default:
        return [{ id: `p${i}` }]
    }
  },
  element(el: { id: string }) {
    throw new Error(`element C:\\corpus\\${el.id}.md says "${el.id}"`)
  },
  document: () => ({}),
}

describe('error patterns', () => {
  it('groups 1,000 failures with varying ids, numbers and paths into a few templates', async () => {
    await using engine = createEngine({ extractor: failing, level: 'basic' })
    const input = Array.from({ length: 1000 }, (_, i) => ({ id: `doc-${i}`, content: String(i) }))
    const results = await collect(engine.extractMany(input))
    expect(results.every((r) => !r.ok)).toBe(true)
    const report = engine.report()
    expect(report.errors).toEqual({ MX_ENGINE_PARSE: 834, MX_ENGINE_EXTRACT: 166 })
    const patterns = report.errorPatterns
    expect(patterns.map((p) => [p.template, p.count])).toEqual([
      ['parse threw: cannot read <path>: ENOENT', 167],
      ['parse threw: Unexpected token <q> at line <n>, column <n>', 167],
      ['parse threw: document <id> is too large (<n> bytes)', 167],
      ['parse threw: fetch <url> failed with status <n>', 167],
      ['parse threw: checksum mismatch: expected <hex> got <hex>', 166],
      ['element p<n> threw: element <path> says <q>', 166],
    ])
    expect(patterns[0]).toMatchObject({
      codes: ['MX_ENGINE_PARSE'],
      examples: ['doc-0', 'doc-6', 'doc-12'],
    })
    expect(patterns[2]?.codes).toEqual(['MX_ENGINE_PARSE', 'MY_TOO_LARGE'])
    expect(patterns[5]?.codes).toEqual(['MX_ENGINE_EXTRACT'])
    for (const pattern of patterns) {
      expect(new Date(pattern.first).toISOString()).toBe(pattern.first)
      expect(pattern.last >= pattern.first).toBe(true)
    }
  })

  it('masks ids, URLs, paths, hashes, quoted values and numbers', () => {
    expect(
      errorTemplate('document doc-17: content must be a string or a Uint8Array', 'doc-17'),
    ).toBe('document <id>: content must be a string or a Uint8Array')
    expect(errorTemplate('guide/a.md is not valid UTF-8 at byte 21', 'guide/a.md')).toBe(
      '<id> is not valid UTF-8 at byte <n>',
    )
    expect(errorTemplate('see http://x.org/a?b=1, then ./a/b and ~/c and /d/e.md.')).toBe(
      'see <url>, then <path> and <path> and <path>.',
    )
    expect(errorTemplate('open C:\\x\\y.md or \\\\server\\share\\z: denied')).toBe(
      'open <path> or <path>: denied',
    )
    expect(errorTemplate('and/or text/markdown docs/api.html a/b/c')).toBe(
      'and/or text/markdown <path> <path>',
    )
    expect(errorTemplate("can't parse 'x' or \"y z\" or `w`")).toBe("can't parse <q> or <q> or <q>")
    expect(
      errorTemplate('hash 9f86d081884c7d65 uuid 550e8400-e29b-41d4-a716-446655440000 byte 0xff'),
    ).toBe('hash <hex> uuid <hex> byte <hex>')
    expect(errorTemplate('took 1500ms (1.5 s) over 12 items, sha256 utf16le')).toBe(
      'took <n>ms (<n> s) over <n> items, sha256 utf16le',
    )
    // A short plain-word id is not masked where it is a word of the sentence.
    expect(errorTemplate('a document must be an object', 'a')).toBe('a document must be an object')
  })

  it('keeps at most max templates and counts the rest in the <other> bucket', () => {
    const patterns = createErrorPatterns({ max: 2 })
    const at = Date.UTC(2030, 0, 1)
    patterns.add('a1', { code: 'A', message: 'alpha 1' }, at)
    patterns.add('b1', { code: 'B', message: 'beta 1' }, at + 1)
    patterns.add('a2', { code: 'A', message: 'alpha 2' }, at + 2)
    patterns.add('c1', { code: 'C', message: 'gamma' }, at + 3)
    patterns.add('d1', { code: 'D', message: 'delta', causeCode: 'X' }, at + 4)
    patterns.add('e1', { code: 'C', message: 'epsilon' }, at + 5)
    patterns.add('f1', { code: 'C', message: 'zeta' }, at + 6)
    patterns.add('g1', { code: 'C', message: 'eta' }, at + 7)
    expect(patterns.total).toBe(8)
    expect(patterns.list()).toEqual([
      {
        template: OTHER_TEMPLATE,
        count: 5,
        first: new Date(at + 3).toISOString(),
        last: new Date(at + 7).toISOString(),
        codes: ['C', 'D', 'X'],
        examples: ['c1', 'd1', 'e1'],
      },
      {
        template: 'alpha <n>',
        count: 2,
        first: new Date(at).toISOString(),
        last: new Date(at + 2).toISOString(),
        codes: ['A'],
        examples: ['a1', 'a2'],
      },
      {
        template: 'beta <n>',
        count: 1,
        first: new Date(at + 1).toISOString(),
        last: new Date(at + 1).toISOString(),
        codes: ['B'],
        examples: ['b1'],
      },
    ])
    expect(patterns.list(1).map((p) => p.template)).toEqual([OTHER_TEMPLATE])
  })

  it('cuts long messages and templates, and leaves a quoted placeholder as it is', () => {
    // Only the first 1000 characters of a message are read.
    const long = `${'word '.repeat(250)}tail 12345`
    expect(errorTemplate(long)).toBe(errorTemplate('word '.repeat(200)))
    // A template is at most 300 characters, the last an ellipsis.
    const template = errorTemplate('x'.repeat(400))
    expect(template).toHaveLength(300)
    expect(template.endsWith('x…')).toBe(true)
    // The id, masked first, stays a placeholder inside its quotes.
    expect(errorTemplate("cannot open 'doc-123.md' or 'other'", 'doc-123.md')).toBe(
      "cannot open '<id>' or <q>",
    )
  })

  it('keeps the earliest time of a pattern when failures are added out of order', () => {
    const patterns = createErrorPatterns()
    const at = Date.UTC(2030, 0, 1)
    patterns.add('a', { code: 'A', message: 'late' }, at + 1000)
    patterns.add('b', { code: 'A', message: 'late' }, at)
    patterns.add('c', { code: 'A', message: 'late' }, at + 500)
    expect(patterns.list()).toEqual([
      {
        template: 'late',
        count: 3,
        first: new Date(at).toISOString(),
        last: new Date(at + 1000).toISOString(),
        codes: ['A'],
        examples: ['a', 'b', 'c'],
      },
    ])
  })

  it('rejects a bad max with InvalidOptionError', () => {
    expect(() => createErrorPatterns({ max: 0 })).toThrow(InvalidOptionError)
    expect(() => createErrorPatterns({ max: 0 })).toThrow('max must be a positive integer, got 0')
  })

  it('leaves report().errors a record of counts by code', async () => {
    await using engine = createEngine({ extractor: failing, level: 'basic' })
    await engine.extract({ id: 'doc-x', content: 5 } as never)
    const report = engine.report()
    expect(report.errors).toEqual({ MX_ENGINE_INPUT: 1 })
    expect(report.errorPatterns).toMatchObject([
      {
        template: 'document <id>: content must be a string or a Uint8Array, got <n>',
        count: 1,
        codes: ['MX_ENGINE_INPUT'],
        examples: ['doc-x'],
      },
    ])
  })
})
