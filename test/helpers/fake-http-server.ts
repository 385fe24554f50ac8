/**
 * The recording, programmable HTTP server the integration tests play outside
 * systems with. It lives in local/playground/ because `npm start`'s
 * playground runs the same server: the systems a user tries by hand are the
 * ones the tests trust. Re-exported here so the tests' imports stay as they are.
 */
export type {
  FakeAnswer,
  FakeHttpServer,
  FakeHttpServerOptions,
  RecordedRequest,
  Responder,
} from '../../local/playground/fake-http-server.js';
export { startFakeHttpServer } from '../../local/playground/fake-http-server.js';
