import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: '@mx/kernel',
    include: ['test/**/*.test.ts'],
  },
})
