import { describe, expect, it } from 'vitest'
import { minDocumentLanguageWords } from '../src/extractor/document.mjs'
import { languageOf, minLanguageWords } from '../src/extractor/element.mjs'
import { countSentences, indexTerms, words } from '../src/extractor/terms.mjs'
import { extractInline, extractor } from './helpers'

// Short README prose in each language, split into paragraphs too short to vote on their own.
const prose: Record<string, string[]> = {
  eng: [
    'This tool reads every Markdown file in your project folder and writes a short summary.',
    'You can run it from the command line or call it from your own scripts.',
    'The output lists the title, the headings, the links and the important words of a page.',
    'Please open an issue on the tracker if something looks wrong or a file is skipped.',
  ],
  cmn: [
    '这个工具会读取项目文件夹中的每一个文档，并写出简短的摘要。',
    '你可以在命令行中运行它，也可以从自己的脚本里调用它。',
    '输出结果列出每一页的标题、链接以及最重要的关键词。',
    '如果发现问题，请在问题跟踪系统中提交报告。',
  ],
  jpn: [
    'このツールはプロジェクトのフォルダにあるすべての文書を読み込み、要約を書き出します。',
    'コマンドラインから実行することも、自分のスクリプトから呼び出すこともできます。',
    '出力には各ページのタイトル、見出し、リンク、重要な単語が含まれます。',
  ],
  hin: [
    'यह उपकरण आपके प्रोजेक्ट फ़ोल्डर की हर फ़ाइल को पढ़ता है और एक छोटा सारांश लिखता है।',
    'आप इसे कमांड लाइन से चला सकते हैं या अपनी स्क्रिप्ट से बुला सकते हैं।',
    'आउटपुट में हर पन्ने का शीर्षक, लिंक और सबसे ज़रूरी शब्द होते हैं।',
    'कोई समस्या हो तो कृपया हमें बताइए, हम जल्दी जवाब देंगे।',
  ],
  rus: [
    'Этот инструмент читает каждый файл в папке вашего проекта и пишет краткое описание.',
    'Вы можете запустить его из командной строки или вызвать из своих скриптов после сборки.',
    'Результат содержит заголовок, ссылки и самые важные слова каждой страницы документации.',
    'Если что-то работает не так, пожалуйста, напишите нам, и мы скоро ответим.',
  ],
  deu: [
    'Dieses Werkzeug liest jede Datei im Ordner Ihres Projekts und schreibt eine kurze Zusammenfassung.',
    'Sie können es über die Kommandozeile starten oder aus Ihren eigenen Skripten aufrufen.',
    'Die Ausgabe enthält den Titel, die Überschriften, die Links und die wichtigsten Wörter.',
    'Wenn etwas nicht stimmt, schreiben Sie uns bitte, und wir antworten bald.',
  ],
  fra: [
    'Cet outil lit chaque fichier du dossier de votre projet et écrit un court résumé.',
    'Vous pouvez le lancer depuis la ligne de commande ou depuis vos propres scripts.',
    'La sortie contient le titre, les intertitres, les liens et les mots les plus importants.',
    'Si quelque chose ne va pas, écrivez-nous et nous répondrons bientôt.',
  ],
  spa: [
    'Esta herramienta lee cada archivo de la carpeta de tu proyecto y escribe un breve resumen.',
    'Puedes ejecutarla desde la línea de comandos o llamarla desde tus propios scripts.',
    'La salida contiene el título, los encabezados, los enlaces y las palabras más importantes.',
    'Si algo no funciona bien, escríbenos y te responderemos pronto.',
  ],
}
type Meta = { type: string; words?: number; language?: string; shingles?: string }
const doc = (paragraphs: string[]) => {
  const result = extractInline({
    id: 'readme.md',
    content: `# Readme\n\n${paragraphs.join('\n\n')}\n`,
  })
  const metas: Meta[] = result.metas
  return { metas, metadata: result.metadata }
}

describe('words in every script', () => {
  it('keeps versions, dotted names, contractions and hyphenated words whole in Latin text', () => {
    expect(words("Install v2.0.0 of node.js, don't use the well-known fork.")).toEqual([
      'Install',
      'v2.0.0',
      'of',
      'node.js',
      "don't",
      'use',
      'the',
      'well-known',
      'fork',
    ])
  })

  it('counts Cyrillic and Devanagari words with their combining marks', () => {
    expect(words('Сегодня мы идём в университет.')).toHaveLength(5)
    expect(words('यह एक परीक्षण वाक्य है')).toEqual(['यह', 'एक', 'परीक्षण', 'वाक्य', 'है'])
    expect(words('हमें यह काम करना है')).toContain('करना')
  })

  it('segments Chinese, Japanese and Thai into words', () => {
    for (const text of ['我们今天去北京大学', '私は東京大学の学生です', 'ภาษาไทยเป็นภาษาที่สวยงาม']) {
      const tokens = words(text)
      expect(tokens.length, text).toBeGreaterThan(1)
      expect(tokens.length, text).toBeLessThan([...text].length)
      expect(tokens.join(''), text).toBe(text)
    }
    expect(words('私は東京大学の学生です')).toContain('学生')
    expect(words('ภาษาไทยเป็นภาษาที่สวยงาม')).toContain('ภาษา')
  })

  it('keeps Latin words whole next to Chinese', () => {
    expect(words('用v2.0.0版本的node.js运行')).toEqual(
      expect.arrayContaining(['v2.0.0', 'node.js', '版本', '运行']),
    )
  })

  it('makes MinHash shingles of Chinese words', () => {
    const { metas } = doc(['我们今天去北京大学。'])
    const paragraph = metas.find((m) => m.type === 'paragraph')
    expect(paragraph?.words).toBeGreaterThanOrEqual(3)
    expect(paragraph?.shingles).toBeDefined()
  })
})

describe('index terms in every script', () => {
  it('keeps Hindi words whole', () => {
    const text = 'हमें यह सुनिश्चित करना है कि परीक्षण सफल हो'
    const terms = indexTerms(words(text)).split(' ')
    expect(terms).toEqual(expect.arrayContaining(['सुनिश्चित', 'करना', 'परीक्षण']))
    for (const term of terms) expect(text.split(' '), term).toContain(term)
  })

  it('takes Chinese words of 2+ characters, not single characters or particles', () => {
    expect(indexTerms(words('我们今天去北京大学')).split(' ')).toEqual([
      '我们',
      '今天',
      '北京',
      '大学',
    ])
    // Hiragana-only words are particles and endings.
    expect(indexTerms(words('私は東京大学の学生です'))).not.toMatch(/です|の|は/)
  })

  it('gives CJK documents word keywords, not sentences', () => {
    const docs = ['cmn', 'jpn', 'eng'].map((id) => ({
      id,
      metadata: doc(prose[id] ?? []).metadata,
    }))
    const { keywords } = extractor.relate(docs)
    for (const id of ['cmn', 'jpn']) {
      expect(keywords[id]?.length, id).toBeGreaterThan(3)
      for (const keyword of keywords[id] ?? []) {
        expect(keyword.length, keyword).toBeLessThanOrEqual(6)
        expect(prose[id]?.join(''), keyword).toContain(keyword)
      }
    }
  })
})

describe('sentences in every script', () => {
  it('ends sentences at 。！？ and the danda without a following space', () => {
    expect(countSentences('第一句话。第二句话！第三句话？')).toBe(3)
    expect(countSentences('これは文です。これも文です')).toBe(2)
    expect(countSentences('यह पहला वाक्य है। यह दूसरा वाक्य है।')).toBe(2)
    // Dots inside versions still do not end a sentence.
    expect(countSentences('Install v1.2.3 now. It is faster.')).toBe(2)
  })
})

describe('language by word count', () => {
  it('states its thresholds in words', () => {
    expect(minLanguageWords).toBe(20)
    expect(minDocumentLanguageWords).toBe(20)
  })

  it.each(Object.keys(prose))('detects %s in a short document of short paragraphs', (language) => {
    const { metas, metadata } = doc(prose[language] ?? [])
    // About 50 words as segmented (a Chinese or Japanese count is in characters: more).
    const segmented = words((prose[language] ?? []).join(' ')).length
    expect(segmented).toBeGreaterThanOrEqual(45)
    expect(segmented).toBeLessThanOrEqual(65)
    expect(metadata.words).toBeGreaterThanOrEqual(segmented)
    // No paragraph is long enough to vote: the document decides on them together.
    expect(metas.every((m) => !m.language)).toBe(true)
    expect(metadata.language).toBe(language)
  })

  it('detects the language of a paragraph of 20+ words on its own', () => {
    const { metas } = doc([prose.jpn?.join('') ?? ''])
    const paragraph = metas.find((m) => m.type === 'paragraph')
    expect(paragraph?.words).toBeGreaterThanOrEqual(minLanguageWords)
    expect(paragraph?.language).toBe('jpn')
  })

  it('gives a 10-word document no language', () => {
    const { metadata } = doc(['This tool reads every file and writes a short summary.'])
    expect(metadata.words).toBe(11)
    expect(metadata.language).toBeNull()
  })
})

describe('language of short Cyrillic prose', () => {
  it('takes Russian over Bulgarian or Ukrainian when the text has ы or э', () => {
    const text =
      'Наполните чайник водой до отметки MAX, вскипятите её и вылейте. Повторите это два раза, чтобы удалить заводской запах.'
    expect(languageOf(text)).toBe('rus')
    // Bulgarian has neither letter: it stays Bulgarian.
    expect(languageOf('Това е кратък текст на български език за проверка на разпознаването.')).toBe(
      'bul',
    )
  })
})
