/** Formulas several test files use, written once. */

/** DS 102 Discussion 12: a two-layer network with a sigmoid hidden layer and a squared loss. */
export const DS102 = `A : matrix(h, m)
b : vector(h)
x : vector(m)
y : scalar
z1 = A x
z2 = sigma(z1)
z3 = b^T z2
z4 = y - z3
L = z4^2
grad L wrt A, b
`;
