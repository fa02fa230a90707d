/**
 * Random formulas with jacobian, hessian and hvp requests (test/helpers/second-order.ts) through
 * compile → strict type check → load → check against differences: the first half of the run
 * (random-2 takes the second, on another worker). GRADC_SECOND_ORDER_FORMULAS changes the count
 * (default 168 formulas in all, 792 requests, 562 with a matrix on the path or as the variable;
 * npm run test:long runs 960).
 */
import { secondOrderShard } from '../helpers/second-order.js';

secondOrderShard(0, 2);
