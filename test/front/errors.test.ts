/**
 * Each kind of error the checker reports, with its exact message and location
 * (`line:col`, 1-based). Messages speak the user's language and suggest a likely fix.
 */
import { describe, expect, it } from 'vitest';
import { check, error } from '../syntax/helpers.js';

describe('unknown names and functions', () => {
  it('an unknown name suggests the nearest declared name', () => {
    expect(error('x : scalar\ny = xx + 1')).toBe("2:5: unknown name 'xx'; did you mean 'x'?");
  });

  it('the suggestion ignores case', () => {
    expect(error('x : scalar\ny = X + 1')).toBe("2:5: unknown name 'X'; did you mean 'x'?");
  });

  it('a longer name allows more typos', () => {
    expect(error('weights : vector(n)\ny = 2 wieghts')).toBe("2:7: unknown name 'wieghts'; did you mean 'weights'?");
  });

  it('an unknown name with nothing close says to declare it', () => {
    expect(error('x : scalar\ny = 2 q')).toBe("2:7: unknown name 'q'; declare it first, for example 'q : scalar'");
  });

  it('the name being defined is not suggested', () => {
    expect(error('ab : scalar\nyy = 2 y')).toBe("2:8: unknown name 'y'; declare it first, for example 'y : scalar'");
  });

  it('a dimension name is suggested too', () => {
    expect(error('x : vector(N)\ny = 1/n sum(x)')).toBe("2:7: unknown name 'n'; did you mean 'N'?");
  });

  it('an unknown function suggests the nearest function', () => {
    expect(error('x : scalar\ny = sigmoidd(x)')).toBe("2:5: unknown function 'sigmoidd'; did you mean 'sigmoid'?");
  });

  it('an unknown function in the wrong case suggests the function', () => {
    expect(error('x : scalar\ny = Exp(x)')).toBe("2:5: unknown function 'Exp'; did you mean 'exp'?");
  });

  it('an unknown function with nothing close', () => {
    expect(error('x : scalar\ny = frobnicate(x)')).toBe("2:5: unknown function 'frobnicate'");
  });

  it('a one-letter unknown function is not "corrected" to another letter', () => {
    expect(error('x : scalar\ny = f(x)')).toBe("2:5: unknown function 'f'");
  });

  it('a function used without parentheses', () => {
    expect(error('x : vector(n)\ny = sum x')).toBe("2:5: 'sum' is a function; call it with parentheses, like sum(x)");
  });

  it('a variable called with two arguments', () => {
    expect(error('A : matrix(n, n)\nx : vector(n)\ny = A(x, x)')).toBe("3:5: 'A' is a variable, not a function");
  });

  it('a variable before parentheses multiplies them: A(x + x)', () => {
    expect(check('A : matrix(n, n)\nx : vector(n)\ny = A(x + x)').definitions[0]!.node.shape).toEqual({
      rows: 'n',
      cols: 1,
    });
  });
});

describe('products', () => {
  it('matrix times vector of the wrong length, symbolically', () => {
    expect(error('A : matrix(h, m)\nk2 : vector(k)\nz = A k2')).toBe(
      '3:5: cannot multiply matrix(h, m) by vector(k): m != k',
    );
  });

  it('literal dimensions that differ', () => {
    expect(error('A : matrix(2, 3)\nx : vector(2)\nz = A x')).toBe(
      '3:5: cannot multiply matrix(2, 3) by vector(2): 3 != 2',
    );
  });

  it('u v of two vectors suggests u^T v or u .* v', () => {
    expect(error('u, v : vector(n)\ny = u v')).toBe(
      '2:5: cannot multiply vector(n) by vector(n); did you mean u^T v or u .* v?',
    );
  });

  it('u * v of two vectors suggests the same', () => {
    expect(error('u, v : vector(n)\ny = u * v')).toBe(
      '2:5: cannot multiply vector(n) by vector(n); did you mean u^T v or u .* v?',
    );
  });

  it('the suggestion keeps parenthesized operands', () => {
    expect(error('A, B : matrix(n, m)\nx : vector(m)\ny = (A x) (B x)')).toBe(
      '3:5: cannot multiply vector(n) by vector(n); did you mean (A x)^T (B x) or (A x) .* (B x)?',
    );
  });

  it('u A with u the length of the rows of A suggests u^T A', () => {
    expect(error('A : matrix(n, m)\nu : vector(n)\ny = u A')).toBe(
      '3:5: cannot multiply vector(n) by matrix(n, m): 1 != n; did you mean u^T A?',
    );
  });

  it('a row times a matrix of the wrong height', () => {
    expect(error('A : matrix(n, m)\nu : vector(m)\ny = u^T A')).toBe(
      '3:5: cannot multiply vector(m)^T by matrix(n, m): m != n',
    );
  });
});

describe('powers', () => {
  it('^ on a vector suggests .^', () => {
    expect(error('x : vector(n)\ny = x^2')).toBe(
      "2:5: '^' is the power of a scalar, but x is vector(n); for an elementwise power use x .^ 2",
    );
  });

  it('^ on a matrix suggests .^ with the exponent as written', () => {
    expect(error('A : matrix(n, m)\ny = A^-1')).toBe(
      "2:5: '^' is the power of a scalar, but A is matrix(n, m); for an elementwise power use A .^ (-1)",
    );
  });

  it('a vector exponent of ^ suggests .^', () => {
    expect(error('s : scalar\nx : vector(n)\ny = s^x')).toBe(
      "3:7: the exponent of '^' must be a scalar, not vector(n); for an elementwise power use s .^ x",
    );
  });
});

describe('definitions in file order (LANGUAGE.md 1.2)', () => {
  it('a redefinition', () => {
    expect(error('x : scalar\ny = x\ny = 2 x')).toBe("3:1: 'y' is already defined; each name is defined once");
  });

  it('a definition of a declared variable', () => {
    expect(error('x : scalar\nx = 2')).toBe("2:1: 'x' is already a variable; choose another name");
  });

  it('a redeclaration', () => {
    expect(error('x : scalar\nx : vector(n)')).toBe("2:1: 'x' is already a variable; choose another name");
  });

  it('a name twice in one declaration', () => {
    expect(error('x, x : scalar')).toBe("1:4: 'x' is already a variable; choose another name");
  });

  it('a declaration of a defined name', () => {
    expect(error('y = 2\ny : scalar')).toBe("2:1: 'y' is already a definition; choose another name");
  });

  it('use before the definition', () => {
    expect(error('x : scalar\nz = 2 y\ny = x')).toBe(
      "2:7: 'y' is used before its definition on line 3; define it above this line",
    );
  });

  it('use before the declaration', () => {
    expect(error('y = 2 x\nx : scalar')).toBe(
      "1:7: 'x' is used before its declaration on line 2; declare it above this line",
    );
  });

  it('a dimension used before it is named', () => {
    expect(error('y = 2 n\nx : vector(n)')).toBe(
      "1:7: 'n' is used before line 2, where it first names a dimension; declare a variable of that dimension above this line",
    );
  });

  it('a definition that uses itself', () => {
    expect(error('x : scalar\ny = y + x')).toBe("2:5: 'y' is used in its own definition");
  });

  it('grad of a name defined later', () => {
    expect(error('x : scalar\ngrad y wrt x\ny = x')).toBe(
      "2:6: 'y' is used before its definition on line 3; define it above this line",
    );
  });
});

describe('reserved words (LANGUAGE.md 1.7)', () => {
  it.each([
    'pi',
    'scalar',
    'vector',
    'matrix',
    'symmetric',
    'spd',
    'index',
    'wrt',
    'grad',
    'jacobian',
    'hessian',
    'exp',
    'sigma',
    'σ',
    'sum',
    'inv',
  ])('%s cannot name a variable', (word) => {
    expect(error(`${word} : scalar`)).toBe(`1:1: '${word}' is a reserved word and cannot name a variable`);
  });

  it.each(['pi', 'wrt', 'grad', 'log', 'ReLU'])('%s cannot be defined', (word) => {
    expect(error(`${word} = 1`)).toBe(`1:1: '${word}' is a reserved word and cannot be defined`);
  });

  it('pi cannot name a dimension', () => {
    expect(error('x : vector(pi)')).toBe("1:12: 'pi' is a reserved word and cannot name a dimension");
  });

  it('pi is not a value to define', () => {
    expect(error('x : scalar\npi = x')).toBe("2:1: 'pi' is a reserved word and cannot be defined");
  });

  it('one reserved name in a list does not stop the others', () => {
    expect(error('a, pi, b : scalar\ny = a b')).toBe("1:4: 'pi' is a reserved word and cannot name a variable");
  });
});

describe('dimensions (LANGUAGE.md 1.1, 2)', () => {
  it('a dimension name used as a variable afterwards', () => {
    expect(error('x : vector(n)\nn : scalar')).toBe("2:1: 'n' is already a dimension; choose another name");
  });

  it('a variable name used as a dimension afterwards', () => {
    expect(error('n : scalar\nx : vector(n)')).toBe("2:12: 'n' is a variable, so it cannot also name a dimension");
  });

  it('a definition name used as a dimension afterwards', () => {
    expect(error('n = 2\nx : vector(n)')).toBe("2:12: 'n' is a definition, so it cannot also name a dimension");
  });

  it('a dimension name defined afterwards', () => {
    expect(error('x : vector(n)\nn = 2')).toBe("2:1: 'n' is already a dimension; choose another name");
  });

  it('a zero dimension', () => {
    expect(error('x : vector(0)')).toBe('1:12: a dimension must be a positive integer, not 0');
  });

  it('a fractional dimension', () => {
    expect(error('x : vector(1.5)')).toBe('1:12: a dimension must be a positive integer, not 1.5');
  });

  it('a dimension in exponent notation', () => {
    expect(error('x : vector(1e3)')).toBe('1:12: a dimension must be a positive integer, not 1e3');
  });

  it('a dimension too large to be a size', () => {
    expect(error('x : vector(99999999999999999999)')).toBe('1:12: the dimension 99999999999999999999 is too large');
  });

  it('a variable as the dimension of ones', () => {
    expect(error('s : scalar\ny = ones(s)')).toBe(
      "2:10: ones takes a dimension (a name like n or a positive integer), but 's' is a variable",
    );
  });

  it('an expression as the dimension of eye', () => {
    expect(error('y = eye(2 n)')).toBe('1:9: eye takes a dimension: a name like n or a positive integer');
  });
});

describe('index variables (LANGUAGE.md 1.1, 1.5)', () => {
  it('an index used as a value', () => {
    expect(error('k : index(K)\ny = k + 1')).toBe(
      "2:5: 'k' is an index(K); use it as an index, like v[k], or in onehot(k, K)",
    );
  });

  it('an index with another bound than the vector length', () => {
    expect(error('x : vector(n)\nk : index(K)\ny = x[k]')).toBe("3:7: 'k' ranges over K values, but x has n entries");
  });

  it('an index with another bound than the rows', () => {
    expect(error('A : matrix(n, m)\nk : index(m)\ny = A[k, 0]')).toBe(
      "3:7: 'k' ranges over m values, but A has n rows",
    );
  });

  it('an index with another bound than the columns', () => {
    expect(error('A : matrix(n, m)\nk : index(n)\ny = A[0, k]')).toBe(
      "3:10: 'k' ranges over n values, but A has m columns",
    );
  });

  it('an index with another bound than onehot', () => {
    expect(error('k : index(K)\ny = onehot(k, n)')).toBe(
      "2:12: 'k' ranges over K values, but onehot(…, n) has n entries",
    );
  });

  it('a scalar variable as an index', () => {
    expect(error('x : vector(n)\ns : scalar\ny = x[s]')).toBe(
      "3:7: an index must be an integer literal or an index variable (declared like 'k : index(K)'), but 's' is a variable",
    );
  });

  it('an expression as an index', () => {
    expect(error('x : vector(n)\nk : index(n)\ny = x[k + 1]')).toBe(
      "3:7: an index must be an integer literal or an index variable (declared like 'k : index(K)')",
    );
  });

  it('grad with respect to an index', () => {
    expect(error('x : vector(K)\nk : index(K)\nL = x[k]\ngrad L wrt x, k')).toBe(
      "4:15: 'k' is an index; an integer label cannot be differentiated",
    );
  });
});

describe('literal indices', () => {
  it('out of range of a literal length', () => {
    expect(error('x : vector(3)\ny = x[3]')).toBe('2:7: index 3 is out of range: x has 3 entries, numbered from 0');
  });

  it('out of range of the rows of a literal matrix', () => {
    expect(error('A : matrix(3, 4)\ny = A[3, 0]')).toBe('2:7: index 3 is out of range: A has 3 rows, numbered from 0');
  });

  it('out of range of the columns of a literal matrix', () => {
    expect(error('A : matrix(3, 4)\ny = A[0, 4]')).toBe(
      '2:10: index 4 is out of range: A has 4 columns, numbered from 0',
    );
  });

  it('out of range of onehot', () => {
    expect(error('y = onehot(3, 3)')).toBe(
      '1:12: index 3 is out of range: onehot(…, 3) has 3 entries, numbered from 0',
    );
  });

  it('a negative index', () => {
    expect(error('x : vector(n)\ny = x[-1]')).toBe(
      '2:7: an index is a non-negative integer (indices start at 0), not -1',
    );
  });

  it('a fractional index', () => {
    expect(error('x : vector(n)\ny = x[1.5]')).toBe(
      '2:7: an index is a non-negative integer (indices start at 0), not 1.5',
    );
  });

  it('an index too large to be an integer', () => {
    expect(error('x : vector(n)\ny = x[10000000000000000000000]')).toBe(
      '2:7: index 10000000000000000000… is too large',
    );
  });

  it('a vector takes one index', () => {
    expect(error('x : vector(n)\ny = x[0, 0]')).toBe('2:5: x is vector(n); index it with one index, like x[0]');
  });

  it('a matrix takes two indices', () => {
    expect(error('A : matrix(n, m)\ny = A[0]')).toBe('2:5: A is matrix(n, m); index it with two indices, like A[i, j]');
  });

  it('a scalar has no entries', () => {
    expect(error('x : vector(n)\ny = x[0][0]')).toBe('2:5: x[0] is a scalar; it has no entries to index');
  });
});

describe('requests (LANGUAGE.md 1.3)', () => {
  const model = 'x : vector(n)\ns : scalar\nf = 2 x\nL = sum(f)\n';

  it('grad of a non-scalar suggests jacobian', () => {
    expect(error(`${model}grad f wrt x`)).toBe(
      "5:6: grad needs a scalar, but 'f' is vector(n); the derivative of a non-scalar is a Jacobian (jacobian f wrt ...)",
    );
  });

  it('grad of a variable', () => {
    expect(error(`${model}grad s wrt x`)).toBe("5:6: grad needs a definition to differentiate, but 's' is a variable");
  });

  it('grad of an unknown name', () => {
    expect(error(`${model}grad LL wrt x`)).toBe("5:6: unknown name 'LL'; did you mean 'L'?");
  });

  it('grad with respect to an unknown name', () => {
    expect(error(`${model}grad L wrt xx`)).toBe("5:12: unknown name 'xx'; did you mean 'x'?");
  });

  it('grad with respect to a dimension', () => {
    expect(error(`${model}grad L wrt n`)).toBe("5:12: 'n' is a dimension; grad takes variables or definitions");
  });

  it('grad with respect to a function name', () => {
    expect(error(`${model}grad L wrt exp`)).toBe("5:12: 'exp' is a function, not a variable or a definition");
  });

  it('grad with respect to pi', () => {
    expect(error(`${model}grad L wrt pi`)).toBe("5:12: 'pi' is a constant, not a variable or a definition");
  });

  it('grad with respect to a name twice', () => {
    expect(error(`${model}grad L wrt x, s, x`)).toBe("5:18: 'x' is listed twice");
  });

  it('jacobian, hessian and hvp lines are requests', () => {
    const m = check(`${model}jacobian f wrt x, s\nhessian L wrt x, s\nhvp L wrt x\njacobian f wrt s`);
    expect(m.higherRequests.map((r) => [r.kind, r.functionName, r.wrt.map((w) => w.name).join(',')])).toEqual([
      ['jacobian', 'fJac', 'x,s'],
      ['hessian', 'LHess', 'x,s'],
      ['hvp', 'LHvp', 'x'],
      ['jacobian', 'fJac2', 's'],
    ]);
  });

  it('jacobian and hessian take matrices, as functions and as variables (blocks in the vec convention)', () => {
    const m = check(
      'A : matrix(m, n)\nx : vector(n)\nF = 2 A\nf = A x\nL = sum(A .* A)\njacobian F wrt A\njacobian f wrt A\nhessian L wrt A\n',
    );
    expect(m.higherRequests.map((r) => [r.kind, r.functionName, r.wrt.map((w) => w.name).join(',')])).toEqual([
      ['jacobian', 'FJac', 'A'],
      ['jacobian', 'fJac', 'A'],
      ['hessian', 'LHess', 'A'],
    ]);
  });

  it('a Hessian of a vector names jacobian', () => {
    expect(error(`${model}hessian f wrt x`)).toBe(
      "5:9: hessian needs a scalar, but 'f' is vector(n); for its first derivatives ask for jacobian f wrt ...",
    );
  });

  it('an HVP with respect to a definition names grad', () => {
    expect(error(`${model}hvp L wrt f`)).toBe(
      "5:11: hvp is taken with respect to variables, but 'f' is a definition; for derivatives with respect to an intermediate value ask for grad or jacobian",
    );
  });

  it('grad with respect to variables and definitions', () => {
    const m = check(`${model}grad L wrt x, f`);
    expect(m.requests[0]!.wrt.map((w) => [w.name, w.isVariable])).toEqual([
      ['x', true],
      ['f', false],
    ]);
  });

  it('two grad lines of one definition are LGrad and LGrad2', () => {
    const m = check(`${model}grad L wrt x\ngrad L wrt f`);
    expect(m.requests.map((r) => r.functionName)).toEqual(['LGrad', 'LGrad2']);
  });

  it('a 1 x 1 product is a scalar for grad', () => {
    expect(check('u, v : vector(n)\ny = u^T v\ngrad y wrt u').requests).toHaveLength(1);
  });
});

describe('numbers', () => {
  it('a number too large for a double', () => {
    expect(error('x : scalar\ny = 1e999 x')).toBe('2:5: the number 1e999 is too large');
  });

  it('a long run of digits is cut short in the message', () => {
    expect(error(`x : scalar\ny = ${'9'.repeat(400)} x`)).toBe('2:5: the number 99999999999999999999… is too large');
  });

  it('a number that underflows is zero, not an error', () => {
    expect(check('y = 1e-999').definitions[0]!.node.attrs.value).toBe(0);
  });
});
