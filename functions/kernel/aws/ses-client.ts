import { SESv2Client } from '@aws-sdk/client-sesv2';
import { onReset } from './client-cache.js';

/** The SES v2 client, created on first use (`AWS_ENDPOINT_URL_SESV2` offline); see `dynamo-client.ts`. */
let client: SESv2Client | undefined;
onReset(() => {
  client = undefined;
});

const ses = (): SESv2Client => {
  client ??= new SESv2Client({});
  return client;
};

export { ses };
