// `npm run build`'s JS step: rolldown.config.mjs through rolldown's API, which,
// unlike its CLI, prints nothing when all is well (issue 16: a quiet build).
import { build } from 'rolldown';
import config from '../rolldown.config.mjs';

await build(config);
