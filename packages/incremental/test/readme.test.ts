import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createTracker, type DocumentContext, fsStore, mapReduce } from '../src/index'

type Para = { id: string; text: string; modifiedAt: number }
type Words = { words: number }

describe('README example', () => {
  const dirs: Array<{ remove(): void }> = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove()
  })

  it('behaves as the README says', async () => {
    const dir = tempDir('mx-incremental-readme-')
    dirs.push(dir)
    const tracker = createTracker({
      store: fsStore({ dir: dir.path }),
      ignoreFields: ['modifiedAt'],
      key: 'docs-extractor@1',
    })
    const spec = {
      element: (el: Para) => ({ words: el.text.split(/\s+/).length }),
      derived: {
        outline: (ctx: DocumentContext<Para, Words>) =>
          ctx
            .elements()
            .filter((el) => el.text.startsWith('#'))
            .map((el) => el.text),
        words: (ctx: DocumentContext<Para, Words>) =>
          ctx.results().reduce((sum, r) => sum + r.result.words, 0),
        wordsByChunk: mapReduce<Para, Words, number>({
          map: (_el, r) => r.words,
          reduce: (counts) => counts.reduce((sum, n) => sum + n, 0),
        }),
        title: (ctx: DocumentContext<Para, Words>) => ctx.element('e0')?.text ?? null,
        summary: (ctx: DocumentContext<Para, Words>) => `${ctx.get('words')} words`,
      },
    }
    await tracker.update(
      'guide.md',
      [
        { id: 'e0', text: '# Guide', modifiedAt: 1 },
        { id: 'e1', text: 'Install it first.', modifiedAt: 1 },
      ],
      spec,
    )
    const v2 = await tracker.update(
      'guide.md',
      [
        { id: 'e0', text: '# Guide', modifiedAt: 2 },
        { id: 'e1', text: 'Install it, then run it.', modifiedAt: 2 },
      ],
      spec,
    )
    expect(v2.counts).toEqual({
      added: 0,
      updated: 1,
      skipped: 1,
      deleted: 0,
      recomputed: 5,
      reused: 2,
    })
    expect(v2.why.map((reason) => reason.key)).toEqual([
      'result:e1',
      'derived:outline',
      'derived:words',
      'derived:wordsByChunk',
      'derived:summary',
    ])
    expect(v2.value.derived).toEqual({
      outline: ['# Guide'],
      words: 7,
      wordsByChunk: 7,
      title: '# Guide',
      summary: '7 words',
    })
    expect((await tracker.history('guide.md')).map((info) => info.version)).toEqual([1, 2])
    expect((await tracker.rollback('guide.md', 1)).version).toBe(3)
    expect((await tracker.get('guide.md')).value.derived.words).toBe(5)
  })
})
