// @ts-check
/**
 * Lint for gradc's own code (`npm run lint`): typescript-eslint's type-aware rules that fit a
 * strict, exhaustively typed compiler. Formatting is prettier's (.prettierrc.json), not eslint's.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'generated/',
      'node_modules/',
      'bench/results/',
      'playground/dist/',
      'coverage/',
      // peggy's output (scripts/generate-parser.mjs), kept fresh by a test: not written by hand.
      'src/syntax/formula-parser.generated.ts',
    ],
  },
  {
    files: ['src/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.build.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A switch over a union without a default must list every member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Generated code is assembled from numbers and names in template literals.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // With noUncheckedIndexedAccess (tsconfig.build.json), an index read the code knows is in
      // range says so with `!` (`args[0]!` after an arity check).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Text is split into code points on purpose: columns count characters as editors show them.
      '@typescript-eslint/no-misused-spread': 'off',
      // Messages and names are cleaned of control characters by regular expressions that match them.
      'no-control-regex': 'off',
    },
  },
  {
    // The reference evaluator reads mathjs, whose declarations are looser than its results:
    // each result is cast to the evaluator's Value, and its functions are looked up by name.
    files: ['src/check/reference.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
