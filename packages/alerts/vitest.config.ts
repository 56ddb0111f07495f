import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/alerts',
    include: ['test/**/*.test.ts'],
  },
})
