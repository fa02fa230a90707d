/**
 * Safe output: names that JavaScript reads specially (reserved words, globals, Object.prototype's
 * members, the names generated code uses) compile to correct modules in every role a name can
 * take — variable, definition, dimension, index — and comments or file names that try to close
 * a comment, start a template, or reorder text (`*\/`, `${`, backticks, U+2028, bidi
 * overrides) never change what a module does. Each module is type-checked strictly, loaded,
 * and checked numerically by checkModel (values against the reference, gradients against
 * central differences).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/check-module.js';
import { formatCheckReport } from '../../src/check/check-report.js';
import { loadModule, typeCheckModule } from '../../src/check/load.js';
import { main } from '../../src/cli/main.js';
import { compile } from '../../src/compile.js';
import { checkFormula } from '../../src/front.js';
import { GradcError } from '../../src/diagnostics/errors.js';

const HOSTILE_NAMES: readonly string[] = [
  'constructor',
  '__proto__',
  'Math',
  'Float64Array',
  'inputs',
  'input',
  'undefined',
  'eval',
  'arguments',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'NaN',
  'Infinity',
  'globalThis',
  'new',
  'delete',
  'this',
  'let',
  'await',
  'yield',
  'Matrix',
  'RangeError',
  'Object',
  'out',
  'fn',
  'need',
  'target',
  'i',
  'j',
  'k',
  'acc',
  'sum_',
  '𝑥',
];

async function expectChecks(text: string): Promise<void> {
  const model = checkFormula(text, 'names.formula');
  const report = await checkModel(model, { seed: 3 });
  expect(report.ok, `${formatCheckReport(report)}\n${text}`).toBe(true);
}

describe('JavaScript-hostile names', () => {
  it('as variables (vectors), differentiated with respect to', async () => {
    const declarations = `${HOSTILE_NAMES.join(', ')} : vector(n)`;
    const terms = HOSTILE_NAMES.map((n, i) => `${i + 1} sum(sin(${n}))`);
    await expectChecks(
      `${declarations}\nL = ${terms.join(' + ')} + dot(${HOSTILE_NAMES[0]}, ${HOSTILE_NAMES[1]})\ngrad L wrt ${HOSTILE_NAMES.join(', ')}\n`,
    );
  });

  it('as scalar variables', async () => {
    const names = HOSTILE_NAMES.filter((n) => n !== 'L');
    await expectChecks(
      `${names.join(', ')} : scalar\nL = ${names.map((n, i) => `${n}^2 / ${i + 1}`).join(' + ')}\ngrad L wrt ${names.join(', ')}\n`,
    );
  });

  it('as matrices', async () => {
    await expectChecks(
      `${HOSTILE_NAMES.join(', ')} : matrix(n, m)\nx : vector(m)\nL = ${HOSTILE_NAMES.map((n) => `sum(tanh(${n} x))`).join(' + ')}\ngrad L wrt ${HOSTILE_NAMES.join(', ')}\n`,
    );
  });

  it('as definitions, exported functions, gradient targets and wrt targets', async () => {
    const lines = ['x : vector(n)'];
    HOSTILE_NAMES.forEach((n, i) => lines.push(i % 2 === 0 ? `${n} = sin(${i + 1} x)` : `${n} = sum(cos(${i + 1} x))`));
    lines.push(`L = ${HOSTILE_NAMES.map((n, i) => (i % 2 === 0 ? `sum(${n})` : n)).join(' + ')}`);
    lines.push(`grad L wrt x, ${HOSTILE_NAMES.join(', ')}`);
    // A gradient of each scalar definition: functions named constructorGrad, __proto__Grad, ...
    HOSTILE_NAMES.forEach((n, i) => {
      if (i % 2 === 1) lines.push(`grad ${n} wrt x`);
    });
    await expectChecks(`${lines.join('\n')}\n`);
  });

  it('as dimensions, read from inputs and given as numbers', async () => {
    const vectors = HOSTILE_NAMES.map((n, i) => `x${i} : vector(${n})`);
    // The last dimension is read by no input: a number field of that name.
    const free = HOSTILE_NAMES[HOSTILE_NAMES.length - 1];
    const terms = HOSTILE_NAMES.slice(0, -1).map((n, i) => `sum(exp(x${i})) / ${n}`);
    await expectChecks(
      `${vectors.slice(0, -1).join('\n')}\nc : scalar\nL = ${terms.join(' + ')} + c^2 sum(ones(${free}))\ngrad L wrt x0, x1, c\n`,
    );
  });

  it('as index variables', async () => {
    const names = HOSTILE_NAMES.filter((n) => n !== 'n');
    await expectChecks(
      `${names.join(', ')} : index(n)\nx : vector(n)\nL = ${names.map((n) => `x[${n}]^2`).join(' + ')} + onehot(${names[0]}, n)^T x\ngrad L wrt x\n`,
    );
  });

  it('keeps __proto__ an own property of results and inputs, never the prototype', async () => {
    const code = await compile(
      '__proto__ : vector(n)\nconstructor = sum(__proto__ .* __proto__)\ngrad constructor wrt __proto__\n',
      'proto.formula',
    );
    expect(await typeCheckModule(code)).toEqual([]);
    const m = (await loadModule(code)) as Record<string, (i: unknown) => unknown>;
    const inputs = JSON.parse('{"__proto__": [1, 2, 3]}') as unknown;
    expect(Object.keys(m).sort()).toContain('constructorGrad');
    const g = m.constructorGrad!(inputs) as Record<string, unknown>;
    expect(Object.getPrototypeOf(g)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(g, '__proto__')).toBe(true);
    expect(Array.from(g['__proto__'] as Float64Array)).toEqual([2, 4, 6]);
    expect(g.value).toBe(14);
  });
});

describe('the command line with such names', () => {
  // Regression: --dims parsed into a plain object, so `--dims __proto__=5` was silently ignored.
  it('gradc check --dims takes a size for a dimension named __proto__', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradc-names-'));
    try {
      const file = join(dir, 'proto.formula');
      writeFileSync(file, 'x : vector(__proto__)\nL = sum(x .* x)\ngrad L wrt x\n');
      let stdout = '';
      const status = await main(['check', file, '--dims', '__proto__=5'], {
        stdout: (t) => void (stdout += t),
        stderr: () => {},
      });
      expect(status).toBe(0);
      expect(stdout).toMatch(/^dimensions: __proto__=5; seed 1$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a variable named value', () => {
  // Regression: `grad L wrt value` gave the result two `value` fields (the function's value and
  // the gradient); the module did not type-check and the gradient replaced the value.
  it('cannot be a wrt target of compile: a located error says why', async () => {
    const text = 'value, x : vector(n)\nL = sum(value .* x)\ngrad L wrt value, x\n';
    const error = await compile(text, 'value.formula').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GradcError);
    expect((error as GradcError).message).toMatch(/^value\.formula:3:1: .*value/);
  });

  it('is fine anywhere else', async () => {
    await expectChecks('value, x : vector(n)\nL = sum(value .* x)\ngrad L wrt x\n');
    await expectChecks('x : vector(n)\nvalue = sum(x .* x)\ngrad value wrt x\n');
  });
});

const HOSTILE_TEXT = [
  '*/ console.log("pwned"); /*',
  '*/ } export function pwned() { return 1 } /*',
  '${process.exit(1)}',
  '`; throw new Error("pwned"); `',
  'line\u2028separator and paragraph\u2029separator',
  '\u202e reversed \u202c \u2066 isolate \u2069 \u200f rtl mark',
  '</script><script>alert(1)</script>',
  '\\u002a/ and \'" quotes',
  '/* nested */ */ */',
];

const BASE = `A : matrix(h, m)
b : vector(h)
x : vector(m)
y : scalar
z = A x
L = (y - b^T sigma(z))^2
grad L wrt A, b, z
`;

/** The module without its header (the quoted formula): the code that runs. */
function body(code: string): string {
  const end = code.indexOf('*/\n');
  expect(code.startsWith('/**')).toBe(true);
  return code.slice(end + 3);
}

describe('comments and file names that try to escape', () => {
  it.each(HOSTILE_TEXT)('a comment %j changes nothing but the quoted formula', async (comment) => {
    const plain = await compile(BASE, 'model.formula');
    const text = BASE.split('\n')
      .map((line, i) => (line === '' ? line : `${line}   # ${comment} (${i})`))
      .join('\n');
    const hostile = await compile(`# ${comment}\n${text}# ${comment}`, 'model.formula');
    expect(body(hostile)).toBe(body(plain));
    // Nothing in the module that could end the comment early or reorder what a reader sees.
    expect(hostile).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(hostile.indexOf('*/')).toBe(hostile.indexOf('*/\n\n'));
    expect(await typeCheckModule(hostile)).toEqual([]);
    await expectChecks(`# ${comment}\n${text}`);
  });

  it.each(HOSTILE_TEXT)('a file named %j changes nothing but the header', async (name) => {
    const plain = await compile(BASE, 'model.formula');
    const hostile = await compile(BASE, `some/dir/${name.replace(/\//g, '_')}.formula`);
    expect(body(hostile)).toBe(body(plain));
    expect(hostile).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(hostile.indexOf('*/')).toBe(hostile.indexOf('*/\n\n'));
    expect(await typeCheckModule(hostile)).toEqual([]);
  });

  it('names with combining marks and letters outside the BMP', async () => {
    await expectChecks('y\u0302, 𝑥 : vector(n)\nθ_01 = sum(y\u0302 .* 𝑥)\ngrad θ_01 wrt y\u0302, 𝑥\n');
  });

  it('refuses names with invisible or bidi characters, with a located error', () => {
    for (const bad of ['a\u202eb', 'a\u200bb', 'a\u2028b', 'a$b', 'a`b']) {
      expect(() => checkFormula(`${bad} : scalar\nL = ${bad}^2\ngrad L wrt ${bad}\n`, 'bad.formula'), bad).toThrow(
        GradcError,
      );
      try {
        checkFormula(`${bad} : scalar\n`, 'bad.formula');
        expect.unreachable(`${JSON.stringify(bad)} was accepted as a name`);
      } catch (e) {
        if (!(e instanceof GradcError)) throw e;
        expect((e as GradcError).message).toMatch(/^bad\.formula:1:\d+: /);
        // The caret line shows the character as a replacement, never raw.
        expect((e as GradcError).message).not.toMatch(/[\u202e\u2028]/);
      }
    }
  });
});
