// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '**/node_modules/**', 'clients/*/dist/**', 'libs/prisma/src/generated/**', 'coverage/**', 'scripts/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Async safety: an un-awaited promise loses its error and its ordering.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'sharp', message: 'sharp is used only in libs/images (ImagesService).' }],
        },
      ],
    },
  },
  {
    files: ['libs/images/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/images/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'sharp', message: 'sharp is used only in libs/images (ImagesService).' }],
          patterns: [{ group: ['**/apps/**'], message: 'libs must not import from apps.' }],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@nestjs/common', importNames: ['HttpException', 'BadRequestException', 'NotFoundException', 'ForbiddenException', 'UnauthorizedException', 'ConflictException'], message: 'libs throw DomainError with a code, never HTTP exceptions.' }] },
      ],
    },
  },
);
