import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run eval:quality`: the background-removal quality evaluation (libs/ai-providers/src/testing/quality),
// run from the TypeScript sources like the unit tests, but never part of `npm test`.
const root = fileURLToPath(new URL('../..', import.meta.url));
const libs = ['config', 'common', 'prisma', 'credits', 'storage', 'images', 'jobs', 'health', 'ai-providers', 'users'];
const alias = Object.fromEntries(libs.map((lib) => [`@app/${lib}`, resolve(root, `libs/${lib}/src`)]));

export default defineConfig({
  root,
  resolve: { alias },
  test: {
    include: ['libs/ai-providers/src/testing/quality/*.eval.ts'],
    testTimeout: 1_800_000,
  },
});
