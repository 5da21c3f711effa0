export { Network, networkLayout, type NetworkOptions, type TensorLayout } from './network.js';
export { type NetworkSpec, type DenseSpec, type Init, validateSpec } from './spec.js';
export { Adam, type AdamOptions, type AdamState, type Trainable } from './adam.js';
export { halfMse, mse, negMeanQ } from './losses.js';
export { fnv1a32 } from './hash.js';
export { hashFloat32, hashFloat32Hex } from './hash-floats.js';
export {
  networkToBytes, decodeNetwork, loadNetworkParams, networkFromBytes,
  type DecodedNetwork, type NetworkFromBytesOptions,
} from './serialize.js';
