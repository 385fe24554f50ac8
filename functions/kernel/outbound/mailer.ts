import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ses } from '../aws/ses-client.js';
import type { MailRequestSpec } from './message.js';

/**
 * Sends one mail through SES v2 (aws-ses-v2-local offline). Called only by
 * the dispatcher: tools enqueue mail like any other outbound call, so a slow
 * or failing SES never holds up a webhook and gets the same retries.
 */
const sendMail = async (mail: MailRequestSpec, from: string): Promise<void> => {
  await ses().send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: mail.to },
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: mail.text, Charset: 'UTF-8' },
            ...(mail.html ? { Html: { Data: mail.html, Charset: 'UTF-8' } } : {}),
          },
        },
      },
    }),
  );
};

export { sendMail };
