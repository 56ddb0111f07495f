import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/corpus',
    include: ['test/**/*.test.ts'],
  },
})
