import { createEngine, type ExtractResult } from '@mx/engine'
import { Lexer } from 'marked'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { engineOptions, fallbackOn } from '../src/engine.mjs'
import { fallbackWarning } from '../src/extractor-text.mjs'
import { extractDocuments } from '../src/pdf-split.mjs'

const options = { level: 'basic', threads: 1, cache: true }
const broken = {
  id: 'broken.md',
  path: 'broken.md',
  content: '# Release notes\n\nBREAK-MARKED here.\n\nSecond paragraph, fine.\n',
}

/** Makes marked's block lexer throw on documents holding `BREAK-MARKED`, as a parser bug would. */
function breakMarked() {
  const blockTokens = Lexer.prototype.blockTokens
  return vi.spyOn(Lexer.prototype, 'blockTokens').mockImplementation(function (
    this: Lexer,
    ...args: Parameters<Lexer['blockTokens']>
  ) {
    if (String(args[0]).includes('BREAK-MARKED')) throw new Error('marked: cannot lex this')
    return blockTokens.apply(this, args)
  } as never)
}

async function run(engine: ReturnType<typeof createEngine>, docs: object[]) {
  const results: ExtractResult[] = []
  for await (const result of extractDocuments(engine, docs as never)) results.push(result)
  return results
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('plain-text fallback', () => {
  it('reads a document whose Markdown parse throws as plain text, marked degraded', async () => {
    breakMarked()
    // The CLI's own engine options (extractor chain and fallbackOn), here with a memory cache.
    await using engine = createEngine({ ...engineOptions(options), cache: true })
    const [fellBack, fine, binary, pdf] = await run(engine, [
      broken,
      { id: 'fine.md', path: 'fine.md', content: '# Fine\n\nA paragraph.\n' },
      { id: 'bin.md', path: 'bin.md', content: new Uint8Array([35, 32, 0, 1, 2]) },
      { id: 'bad.pdf', path: 'bad.pdf', content: new TextEncoder().encode('not a PDF at all') },
    ])
    expect(fellBack).toMatchObject({
      ok: true,
      degraded: { by: 'fallback', from: 'MX_ENGINE_PARSE', extractor: 'docs-metadata-text' },
      metadata: {
        title: 'Release notes',
        description: 'BREAK-MARKED here.',
        format: 'markdown',
        warnings: [fallbackWarning],
        counts: { headings: 1, paragraphs: 2 },
      },
    })
    expect(fine).toMatchObject({ ok: true, metadata: { title: 'Fine' } })
    expect(fine).not.toHaveProperty('degraded')
    // The user's own errors are not read as text: they stay failures with their MX_DOCS_* cause.
    expect(binary).toMatchObject({ ok: false, error: { causeCode: 'MX_DOCS_BINARY' } })
    expect(pdf).toMatchObject({ ok: false, error: { causeCode: 'MX_DOCS_PDF_INVALID' } })
    expect(engine.report().resilience.fallbacks).toBe(1)

    // Marked fixed: the same document is extracted by the Markdown parser, not served the fallback's.
    vi.restoreAllMocks()
    const [again] = await run(engine, [broken])
    expect(again).toMatchObject({ ok: true, stats: { source: 'elements' } })
    expect(again).not.toHaveProperty('degraded')
    expect((again as { metadata: { warnings?: unknown } }).metadata.warnings).toBeUndefined()
  })

  it('falls back on parser and element failures of text formats only', () => {
    const md = { id: 'a.md' }
    expect(fallbackOn({ code: 'MX_ENGINE_PARSE' }, md)).toBe(true)
    expect(fallbackOn({ code: 'MX_ENGINE_EXTRACT' }, { id: 'a.html' })).toBe(true)
    expect(fallbackOn({ code: 'MX_ENGINE_PARSE', causeCode: 'MX_DOCS_INVALID_UTF8' }, md)).toBe(
      false,
    )
    expect(fallbackOn({ code: 'MX_ENGINE_PARSE' }, { id: 'a.pdf' })).toBe(false)
    expect(fallbackOn({ code: 'MX_ENGINE_TIMEOUT' }, md)).toBe(false)
  })
})
