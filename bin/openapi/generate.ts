import { writeFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApi } from './render-openapi.js';

// `npm run openapi`: rewrites the checked-in OpenAPI description; run from the repository root.
writeFileSync(OPENAPI_FILE, renderOpenApi());
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
