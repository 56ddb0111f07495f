import { seededRandom } from '@mx/testkit'

const WORDS =
  'metadata extraction document outline section heading paragraph link code block entity version date language'.split(
    ' ',
  )

function sentence(next: () => number, words: number, alphabet = WORDS): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(alphabet[Math.floor(next() * alphabet.length)] as string)
  return out.join(' ')
}

/** A JSON text of `count` document elements, shaped like an extractor's output. */
export function documentJson(count: number, seed = 1, alphabet = WORDS): string {
  const next = seededRandom(seed)
  const elements = []
  for (let i = 0; i < count; i++) {
    elements.push({
      id: `el-${seed}-${i}`,
      type: ['heading', 'paragraph', 'code', 'list'][i % 4],
      text: sentence(next, 3 + Math.floor(next() * 30), alphabet),
      depth: i % 6,
      score: Math.round(next() * 1e6) / 1e6,
      tags: [sentence(next, 1, alphabet), sentence(next, 2, alphabet)],
      links:
        i % 3 === 0
          ? [
              {
                href: `https://example.com/${i}/${Math.floor(next() * 1e9)}`,
                title: sentence(next, 3, alphabet),
              },
            ]
          : [],
      meta: {
        hash: Math.floor(next() * 2 ** 52)
          .toString(16)
          .padStart(14, '0'),
        lang: 'en',
        draft: i % 5 === 0,
      },
    })
  }
  return JSON.stringify({ title: 'Document', version: 3, elements })
}
