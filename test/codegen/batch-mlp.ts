/** The two-layer tanh network on a batch that the tests of the WebAssembly memory run, with random inputs. */

export type Matrix = { rows: number; cols: number; data: Float64Array };
export type Gradient = { value: number; W1: Matrix; b1: Float64Array; W2: Matrix; b2: Float64Array };

/** A seeded generator of numbers in [-0.5, 0.5). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

export function matrix(rows: number, cols: number, rand: () => number): Matrix {
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, rand) };
}

export const MLP = `X : matrix(d, N)
Y : matrix(K, N)
W1 : matrix(h, d)
b1 : vector(h)
W2 : matrix(K, h)
b2 : vector(K)
H = tanh(W1 X + b1)
F = W2 H + b2
L = 1/N sum((F - Y) .^ 2)
grad L wrt W1, b1, W2, b2
`;

export function mlpInputs(d: number, h: number, K: number, N: number, seed: number) {
  const rand = random(seed);
  return {
    X: matrix(d, N, rand),
    Y: matrix(K, N, rand),
    W1: matrix(h, d, rand),
    b1: Float64Array.from({ length: h }, rand),
    W2: matrix(K, h, rand),
    b2: Float64Array.from({ length: K }, rand),
  };
}
