/** The URN every SCIM error body names in `schemas` (RFC 7644 §3.12). */
const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The `scimType` values of RFC 7644 §3.12 this service answers with. Okta and
 * Entra read them to decide whether to retry (they never retry a 400) and show
 * them to the administrator, so each names the exact class of mistake.
 */
type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** The SCIM error body: `status` is a string, as both providers expect. */
interface ScimErrorBody {
  readonly schemas: readonly [typeof SCIM_ERROR_SCHEMA];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/**
 * A refusal in SCIM's own terms, thrown by the SCIM core (or a handler) and
 * answered by the edge with {@link ScimError.body} and {@link ScimError.status}.
 * It is its own class rather than the kernel's `HttpError` because a SCIM
 * client needs `scimType` in a fixed body shape, and the core stays pure.
 *
 * @example
 * throw new ScimError(400, 'invalidPath', 'unknown attribute "nickname2"');
 */
class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;

  constructor(status: number, scimType: ScimType | undefined, detail: string) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }

  /** The response body, ready to serialise as `application/scim+json`. */
  get body(): ScimErrorBody {
    return scimErrorBody(this.status, this.scimType, this.message);
  }
}

/**
 * Builds the SCIM error body for any status; 401 and 404 carry no `scimType`.
 *
 * @example
 * scimErrorBody(404, undefined, 'User "42" not found');
 * // { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User "42" not found' }
 */
const scimErrorBody = (status: number, scimType: ScimType | undefined, detail: string): ScimErrorBody => ({
  schemas: [SCIM_ERROR_SCHEMA],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail,
});

/**
 * A 400 of the given type; the SCIM core returns these inside its typed
 * results so callers can branch without try/catch.
 *
 * @example
 * badRequest('invalidValue', 'active must be a boolean');
 */
const badRequest = (scimType: ScimType, detail: string): ScimError => new ScimError(400, scimType, detail);

export type { ScimErrorBody, ScimType };
export { SCIM_ERROR_SCHEMA, ScimError, badRequest, scimErrorBody };
