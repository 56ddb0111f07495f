// The PDFs of the quality set, drawn by make.mjs with pdfkit: what a reader sees, block by block.
// `h1`..`h3` are set in a bold face bigger than the body (sizes below), `p` and `li` in the
// regular face; a paragraph is a string or a list of strings and `{ text, link }` runs (each link
// run becomes one link annotation: link texts are single words or kept short so that they never
// wrap). `pageBreak` starts a new page. `info` is the document information dictionary (Title,
// Author, Subject).

/** Font sizes in points: the body and the three heading ranks. */
export const sizes = { body: 11, h1: 22, h2: 16, h3: 13 }

export const pdfs = [
  {
    file: 'pdf/en-user-guide.pdf',
    font: 'standard',
    info: { Title: 'Tidewater User Guide', Author: 'Tidewater Labs' },
    blocks: [
      { h1: 'Tidewater User Guide' },
      {
        p: 'Tidewater watches the water level of rivers and reservoirs and warns you before it rises too far. This guide explains how to install the monitoring app, connect a sensor and set up alerts.',
      },
      { h2: 'Getting started' },
      {
        p: [
          'Download the installer for your system from our ',
          { text: 'website', link: 'https://tidewater.example.com/download' },
          ' and run it. The app asks for the serial number printed on the back of the sensor.',
        ],
      },
      { h2: 'Configuring alerts' },
      {
        p: 'An alert fires when the measured level crosses a threshold you choose. Each sensor can have up to five thresholds, and each threshold can notify several people.',
      },
      { h3: 'E-mail alerts' },
      {
        p: 'Enter one address per line. Messages are sent within a minute of the reading that crossed the threshold.',
      },
      { h3: 'SMS alerts' },
      {
        p: [
          'Text messages need a subscription; prices are listed on the ',
          { text: 'pricing', link: 'https://tidewater.example.com/pricing' },
          ' page.',
        ],
      },
      { h2: 'Support' },
      {
        p: [
          'If a sensor stops reporting, check its battery first. For anything else, open a ticket in the ',
          { text: 'helpdesk', link: 'https://help.example.com/tidewater' },
          '.',
        ],
      },
    ],
  },
  {
    file: 'pdf/en-release-notes.pdf',
    font: 'standard',
    info: { Title: 'Harbor 5.0 Release Notes' },
    blocks: [
      { h1: 'What’s new in Harbor 5.0' },
      {
        p: 'Harbor 5.0 is the first release with native support for ARM servers. It also brings a redesigned dashboard and drops support for Python 3.8.',
      },
      { h2: 'New features' },
      { li: 'Builds for ARM64 on Linux and macOS.' },
      { li: 'A dashboard that loads twice as fast on large projects.' },
      { li: 'Webhooks can now be signed with a shared secret.' },
      { h2: 'Breaking changes' },
      {
        p: [
          'The configuration key storage.path has been renamed to storage.root. Read the ',
          { text: 'migration', link: 'https://harbor.example.org/docs/migrate-5' },
          ' notes before you upgrade.',
        ],
      },
      { h2: 'Known issues' },
      {
        p: 'Importing archives larger than four gigabytes can fail on Windows. A fix is planned for 5.0.1.',
      },
    ],
  },
  {
    file: 'pdf/en-api-overview.pdf',
    font: 'standard',
    info: { Title: 'Ledger API Overview', Subject: 'REST API' },
    blocks: [
      { h1: 'Ledger API Overview' },
      {
        p: 'The Ledger API lets you read and write accounting entries from your own software. All requests use HTTPS and JSON.',
      },
      { h2: 'Authentication' },
      {
        p: 'Every request carries an API token in the Authorization header. Tokens are created in the settings of your workspace and can be revoked at any time.',
      },
      { h2: 'Resources' },
      { h3: 'Accounts' },
      {
        p: 'An account has a number, a name and a type: asset, liability, income or expense. Accounts cannot be deleted once they hold entries.',
      },
      { h3: 'Entries' },
      {
        p: [
          'An entry moves an amount between two accounts on a given date. See the ',
          { text: 'reference', link: 'https://ledger.example.com/api/entries' },
          ' for every field.',
        ],
      },
      { h2: 'Limits' },
      {
        p: [
          'Each token may send 100 requests per minute. Contact ',
          { text: 'sales', link: 'mailto:sales@ledger.example.com' },
          ' if you need more, or read the ',
          { text: 'FAQ', link: 'https://ledger.example.com/faq' },
          ' page.',
        ],
      },
    ],
  },
  {
    file: 'pdf/en-meeting-minutes.pdf',
    font: 'standard',
    // No Title in the information dictionary: the title is the first level-1 heading.
    info: { Author: 'R. Okafor' },
    blocks: [
      { h1: 'Architecture Review Minutes' },
      { p: 'Date: 9 April 2024. Present: Ruth, Tomasz, Ines and Li.' },
      { h2: 'Decisions' },
      {
        p: 'The team agreed to replace the nightly batch export with an event stream. The old export stays available until the end of the year so that partners have time to move.',
      },
      { h2: 'Open questions' },
      {
        p: 'Nobody has measured how much storage the stream will need after a year. Tomasz will estimate it from last month’s traffic before the next meeting.',
      },
      { h2: 'Next meeting' },
      { p: 'The next review is on 23 April, same room, same time.' },
    ],
  },
  {
    file: 'pdf/en-bake-sale.pdf',
    font: 'standard',
    info: { Title: 'Bake sale' },
    blocks: [
      { h1: 'Bake Sale on Friday' },
      { p: 'Cakes, cookies and coffee in the lobby from noon.' },
    ],
  },
  {
    file: 'pdf/en-annual-report.pdf',
    font: 'standard',
    info: { Title: 'Riverside Community Garden: Annual Report 2023' },
    blocks: [
      { h1: 'Annual Report 2023' },
      {
        p: 'Riverside Community Garden had its busiest year since it opened. One hundred and twelve households rented a plot, the waiting list grew to forty names, and volunteers gave more than three thousand hours of their time.',
      },
      { h2: 'Membership' },
      {
        p: 'We welcomed thirty-one new households this year. Half of them found us through the school open day in March, which we plan to repeat. Eight plots changed hands after their holders moved away, and two long-standing members retired from gardening but still help with the compost.',
      },
      {
        p: 'The committee decided to keep the yearly fee at forty pounds. Households that receive housing benefit continue to pay half, and nobody has been turned away for being unable to pay.',
      },
      { h2: 'Projects' },
      { h3: 'Rainwater harvesting' },
      {
        p: 'Six new water butts were installed on the shed roofs in April. Together they hold about two thousand litres, enough to water the shared beds through most of the summer without using the mains supply. The butts were paid for by a grant from the county council.',
      },
      { h3: 'Schools programme' },
      {
        p: 'Pupils from two primary schools visited every second Thursday from May to October. Each class looked after its own raised bed, and the harvest festival in September was run almost entirely by the children, who sold their own pumpkins and herbs.',
      },
      { h3: 'Accessible paths' },
      {
        p: 'The main path was rebuilt with a firm gravel surface and widened so that wheelchairs and pushchairs can reach the greenhouse. Three raised beds at table height were added next to it.',
      },
      // The report's second page.
      { pageBreak: true },
      { h2: 'Finances' },
      {
        p: 'Income for the year was 6,850 pounds, of which plot fees brought in 4,480 and the plant sale 1,120. Spending came to 6,210 pounds, mostly on tools, seeds, insurance and the path. The small surplus has been set aside for a new greenhouse roof.',
      },
      { h2: 'Thanks' },
      {
        p: [
          'None of this would happen without our volunteers. If you would like to help, come to a work morning on any Saturday, or write to the secretary through the ',
          { text: 'contact', link: 'https://riverside-garden.example.org/contact' },
          ' form. Photos of the year are on our ',
          { text: 'gallery', link: 'https://riverside-garden.example.org/gallery' },
          ' page.',
        ],
      },
    ],
  },
  {
    file: 'pdf/ru-kettle-manual.pdf',
    font: 'liberation',
    info: { Title: 'Электрический чайник ЭЧ-17: инструкция по эксплуатации' },
    blocks: [
      { h1: 'Инструкция по эксплуатации' },
      {
        p: 'Благодарим вас за покупку электрического чайника. Перед первым использованием внимательно прочитайте эту инструкцию и сохраните её на будущее.',
      },
      { h2: 'Меры безопасности' },
      { li: 'Не включайте пустой чайник.' },
      { li: 'Не наливайте воду выше отметки MAX.' },
      { li: 'Не открывайте крышку, пока вода кипит.' },
      { h2: 'Первое включение' },
      {
        p: 'Наполните чайник водой до отметки MAX, вскипятите её и вылейте. Повторите это два раза, чтобы удалить заводской запах.',
      },
      { h2: 'Уход за чайником' },
      {
        p: [
          'Раз в месяц удаляйте накипь с помощью лимонной кислоты. Список сервисных центров опубликован на ',
          { text: 'сайте', link: 'https://example.ru/service' },
          ' производителя.',
        ],
      },
    ],
  },
  {
    file: 'pdf/de-router-kurzanleitung.pdf',
    font: 'standard',
    info: { Title: 'Kurzanleitung Router X200' },
    blocks: [
      { h1: 'Kurzanleitung Router X200' },
      {
        p: 'Diese Anleitung beschreibt die ersten Schritte mit Ihrem neuen Router. Ausführliche Informationen finden Sie im Handbuch auf der beiliegenden CD.',
      },
      { h2: 'Anschließen' },
      {
        p: 'Verbinden Sie den Router über das graue Kabel mit der Telefondose und über das gelbe Kabel mit Ihrem Computer. Stecken Sie danach das Netzteil ein.',
      },
      { h2: 'Einrichten' },
      {
        p: [
          'Öffnen Sie im Browser die Adresse des Routers und folgen Sie dem Assistenten. Das Kennwort steht auf dem Aufkleber an der Unterseite. Bei Problemen hilft unser ',
          { text: 'Kundendienst', link: 'https://example.de/hilfe' },
          ' weiter.',
        ],
      },
    ],
  },
  {
    file: 'pdf/fr-travaux-voirie.pdf',
    font: 'standard',
    info: { Title: 'Note d’information : travaux de voirie' },
    blocks: [
      { h1: 'Travaux rue des Lilas' },
      {
        p: 'La commune informe les riverains que des travaux de réfection de la chaussée auront lieu rue des Lilas du 3 au 21 juin. La circulation sera interdite entre 8 heures et 17 heures.',
      },
      { h2: 'Stationnement' },
      {
        p: 'Le stationnement sera interdit des deux côtés de la rue pendant toute la durée du chantier. Un parking provisoire sera ouvert sur le terrain situé derrière l’école.',
      },
      { h2: 'Renseignements' },
      {
        p: [
          'Pour toute question, les services techniques répondent du lundi au vendredi. Le plan du chantier est consultable sur le ',
          { text: 'site', link: 'https://mairie.example.fr/travaux' },
          ' de la mairie.',
        ],
      },
    ],
  },
  {
    file: 'pdf/es-lector-guia.pdf',
    font: 'standard',
    info: { Title: 'Guía rápida del lector electrónico' },
    blocks: [
      { h1: 'Guía rápida' },
      {
        p: 'Gracias por elegir nuestro lector electrónico. Esta guía le ayudará a empezar a leer en pocos minutos.',
      },
      { h2: 'Cargar la batería' },
      {
        p: 'Conecte el lector al ordenador o a un cargador con el cable incluido. La primera carga completa tarda unas tres horas.',
      },
      { h2: 'Añadir libros' },
      {
        p: [
          'Puede comprar libros en la tienda o copiar sus propios archivos desde el ordenador. Los formatos admitidos se detallan en la ',
          { text: 'web', link: 'https://lector.example.es/formatos' },
          ' de soporte.',
        ],
      },
      { h2: 'Garantía' },
      {
        p: 'El lector tiene dos años de garantía. Conserve el tique de compra.',
      },
    ],
  },
]
