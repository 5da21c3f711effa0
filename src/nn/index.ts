export { Network, type NetworkOptions, type TensorLayout } from './network.js';
export { type NetworkSpec, type DenseSpec, type Init, validateSpec } from './spec.js';
export { Adam, type AdamOptions, type AdamState } from './adam.js';
export { mse, negMeanQ } from './losses.js';
