/**
 * Random formulas with jacobian, hessian and hvp requests (test/helpers/second-order.ts) through
 * compile → strict type check → load → check against differences: the second half of the run
 * (random-1 takes the first). GRADC_SECOND_ORDER_FORMULAS changes the count
 * (default 240 formulas in all, over 500 requests).
 */
import { secondOrderShard } from '../helpers/second-order.js';

secondOrderShard(1, 2);
