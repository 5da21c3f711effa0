// Every test file starts with the kernel module compiled from the inlined bytes.
import { initSync } from '../src/index.js';
initSync();
