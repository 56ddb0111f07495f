import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { folderDocuments } from '@mx/corpus'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CorpusResult } from '../src/run.mjs'
import { extractCorpus } from '../src/run.mjs'

const guide = `# Install guide

Install with \`npm i thing\`. See [the docs](https://example.com/docs) or write to help@example.com.

## Usage

Released in v1.2.3 on 2024-05-01, fixes #42.

\`\`\`js
console.log('hi')
\`\`\`

- one
- two
`
const notes = '# Notes\n\nA short note.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n'

async function collect(run: ReturnType<typeof extractCorpus>) {
  const results: CorpusResult[] = []
  for await (const result of run) results.push(result)
  return { results, summary: run.summary() }
}

describe('custom engine (cache + workers around a user extractor)', () => {
  let docsDir: ReturnType<typeof tempDir>
  let cacheDir: ReturnType<typeof tempDir>

  beforeEach(() => {
    docsDir = tempDir('mx-docs-')
    cacheDir = tempDir('mx-cache-')
    writeFileSync(join(docsDir.path, 'guide.md'), guide)
    writeFileSync(join(docsDir.path, 'notes.md'), notes)
  })
  afterEach(() => {
    docsDir.remove()
    cacheDir.remove()
  })

  it('extracts document metadata field by field', async () => {
    const { results, summary } = await collect(
      extractCorpus(await folderDocuments(docsDir.path), { cacheDir: cacheDir.path }),
    )
    expect(results.map((r) => r.id)).toEqual(['guide.md', 'notes.md'])
    const guideResult = results[0]
    if (!guideResult?.ok) throw new Error('guide.md failed')
    expect(guideResult.metadata).toMatchObject({
      id: 'guide.md',
      title: 'Install guide',
      outline: [
        { depth: 1, text: 'Install guide' },
        { depth: 2, text: 'Usage' },
      ],
      elements: 6,
      counts: { links: 1, codeBlocks: 1, tables: 0, lists: 1 },
      codeLanguages: ['js'],
      entities: { urls: 1, emails: 1, versions: ['v1.2.3'], dates: ['2024-05-01'], issues: 1 },
    })
    expect(results[1]).toMatchObject({
      ok: true,
      metadata: { title: 'Notes', counts: { tables: 1 } },
    })
    expect(summary).toMatchObject({
      documents: 2,
      failed: 0,
      fromCache: 0,
      elements: 9,
      extracted: 9,
    })
  })

  it('serves a second run from the disk cache and re-extracts only the edited elements', async () => {
    const first = await collect(
      extractCorpus(await folderDocuments(docsDir.path), { cacheDir: cacheDir.path }),
    )
    const warm = await collect(
      extractCorpus(await folderDocuments(docsDir.path), { cacheDir: cacheDir.path }),
    )
    expect(warm.results).toEqual(first.results)
    expect(warm.summary).toMatchObject({ fromCache: 2, extracted: 0 })

    writeFileSync(join(docsDir.path, 'notes.md'), notes.replace('A short note.', 'A longer note.'))
    const edited = await collect(
      extractCorpus(await folderDocuments(docsDir.path), { cacheDir: cacheDir.path }),
    )
    expect(edited.summary).toMatchObject({ fromCache: 1, elements: 3, extracted: 1, reused: 2 })
    expect(edited.results[1]).toMatchObject({
      ok: true,
      metadata: { words: 8, description: 'A longer note.' },
    })
  })

  it('reports an unreadable document as a per-document error and finishes the run', async () => {
    const docs = await folderDocuments(docsDir.path)
    rmSync(join(docsDir.path, 'guide.md'))
    const { results, summary } = await collect(extractCorpus(docs, { cacheDir: cacheDir.path }))
    expect(results[0]).toMatchObject({ id: 'guide.md', ok: false, error: { code: 'ENOENT' } })
    expect(results[1]).toMatchObject({ id: 'notes.md', ok: true })
    expect(summary).toMatchObject({ documents: 2, failed: 1 })
  })
})
