/**
 * The attribute definitions of RFC 7643 §4 and §8.7 this service supports: the
 * single source the filter evaluator (type, caseExact), PATCH (type,
 * mutability), projection (returned) and `/Schemas` read.
 */

type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
type Returned = 'always' | 'never' | 'default' | 'request';
type Uniqueness = 'none' | 'server' | 'global';

/** One attribute as `/Schemas` describes it (RFC 7643 §7). */
interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDef[];
}

/** One schema: its URN and attributes. */
interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

type ResourceTypeName = 'User' | 'Group';

/**
 * The core schema URNs (RFC 7643 §8.7): what `schemas` lists and what a
 * URN-qualified path (`urn:...:User:userName`) may start with.
 *
 * @example
 * user.schemas = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA];
 */
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** The core Group schema URN. @example group.schemas = [GROUP_SCHEMA]; */
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/**
 * The enterprise User extension URN: a user keeps its attributes (employeeNumber,
 * department, manager) in an object under this key, as SCIM sends them.
 *
 * @example
 * user[ENTERPRISE_USER_SCHEMA] = { department: 'Sales', manager: { value: managerId } };
 */
const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// A compact builder: most attributes are optional, read-write, returned by default.
const attr = (
  name: string,
  type: AttributeType,
  description: string,
  options: Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>> = {},
): AttributeDef => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
});

const str = (name: string, description: string, options: Partial<AttributeDef> = {}): AttributeDef =>
  attr(name, 'string', description, options);

// The sub-attributes RFC 7643 §2.4 gives every multi-valued attribute.
const multiValuedSubs = (valueDescription: string, types: readonly string[], valueType: AttributeType = 'string') => [
  attr('value', valueType, valueDescription),
  str('display', 'A human-readable name, primarily used for display purposes.'),
  str('type', 'A label indicating the function of the value.', { canonicalValues: types }),
  attr('primary', 'boolean', 'Whether this is the preferred value; at most one may be true.'),
];

const multi = (name: string, description: string, subAttributes: readonly AttributeDef[]): AttributeDef =>
  attr(name, 'complex', description, { multiValued: true, subAttributes });

/**
 * id, externalId and meta: on every resource, outside any schema's attribute
 * list (RFC 7643 §3.1), but filterable, projectable and guarded by PATCH.
 */
const commonAttributes: readonly AttributeDef[] = [
  str('id', 'Unique identifier issued by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  str('externalId', 'Identifier issued by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    returned: 'always',
    subAttributes: [
      str('resourceType', 'The resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly' }),
      str('version', 'The version of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

/** The core User schema this service supports. @example userSchema.attributes.map((a) => a.name) */
const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, case-insensitive.', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        str('formatted', 'The full name, formatted for display.'),
        str('familyName', 'The family name.'),
        str('givenName', 'The given name.'),
        str('middleName', 'The middle name(s).'),
        str('honorificPrefix', 'The honorific prefix(es).'),
        str('honorificSuffix', 'The honorific suffix(es).'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display.'),
    str('nickName', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', "A URI to the user's online profile.", { referenceTypes: ['external'] }),
    str('title', "The user's title, such as 'Vice President'."),
    str('userType', 'The relationship between the organization and the user.'),
    str('preferredLanguage', "The user's preferred written or spoken language."),
    str('locale', "The user's default location for localization."),
    str('timezone', "The user's time zone, in IANA format."),
    attr('active', 'boolean', "The user's administrative status."),
    str('password', "The user's cleartext password; never returned.", { mutability: 'writeOnly', returned: 'never' }),
    multi('emails', 'Email addresses for the user.', multiValuedSubs('Email address.', ['work', 'home', 'other'])),
    multi(
      'phoneNumbers',
      'Phone numbers for the user.',
      multiValuedSubs('Phone number.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    ),
    multi('ims', 'Instant messaging addresses for the user.', multiValuedSubs('IM address.', [])),
    multi('photos', 'URLs of photos of the user.', multiValuedSubs('Photo URL.', ['photo', 'thumbnail'], 'reference')),
    multi('addresses', 'Physical mailing addresses for this user.', [
      str('formatted', 'The full mailing address.'),
      str('streetAddress', 'The full street address.'),
      str('locality', 'The city or locality.'),
      str('region', 'The state or region.'),
      str('postalCode', 'The zip code or postal code.'),
      str('country', 'The country name, ISO 3166-1 alpha-2.'),
      str('type', 'A label indicating the function of the address.', { canonicalValues: ['work', 'home', 'other'] }),
      attr('primary', 'boolean', 'Whether this is the preferred address.'),
    ]),
    attr('groups', 'complex', 'Groups the user belongs to; maintained through Group resources.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', 'The id of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        str('display', 'The display name of the group.', { mutability: 'readOnly' }),
        str('type', 'direct or indirect.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multi('entitlements', 'Entitlements of the user.', multiValuedSubs('The entitlement.', [])),
    multi('roles', 'Roles of the user.', multiValuedSubs('The role.', [])),
  ],
};

/** The enterprise User extension. @example enterpriseUserSchema.id === ENTERPRISE_USER_SCHEMA */
const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Identifier assigned by the organization.'),
    str('costCenter', 'The cost center.'),
    str('organization', 'The organization.'),
    str('division', 'The division.'),
    str('department', 'The department.'),
    attr('manager', 'complex', "The user's manager.", {
      subAttributes: [
        str('value', 'The id of the manager.'),
        attr('$ref', 'reference', 'The URI of the manager.', { referenceTypes: ['User'] }),
        str('displayName', 'The display name of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

/** The core Group schema. @example findAttribute(groupSchema.attributes, 'members') */
const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group.', { required: true }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        str('value', 'The id of the member.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member.', { mutability: 'immutable', referenceTypes: ['User'] }),
        str('display', 'The display name of the member.', { mutability: 'immutable' }),
        str('type', 'The type of member.', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};

/** A resource type: its core schema and the extensions it may carry. */
interface ResourceTypeDef {
  readonly name: ResourceTypeName;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: SchemaDef;
  readonly extensions: readonly SchemaDef[];
}

/**
 * The resource types served, with their schema and extensions; discovery,
 * filters, PATCH and projection all start here.
 *
 * @example
 * resourceTypes.User.extensions[0]?.id; // ENTERPRISE_USER_SCHEMA
 */
const resourceTypes: Readonly<Record<ResourceTypeName, ResourceTypeDef>> = {
  User: {
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: userSchema,
    extensions: [enterpriseUserSchema],
  },
  Group: { name: 'Group', endpoint: '/Groups', description: 'Group', schema: groupSchema, extensions: [] },
};

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The attribute of that name in a list, case-insensitively (RFC 7643 §2.1).
 *
 * @example
 * findAttribute(userSchema.attributes, 'USERNAME')?.name; // 'userName'
 */
const findAttribute = (defs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined =>
  defs?.find((def) => same(def.name, name));

/** A path resolved against a resource type: canonical names and their definitions. */
interface ResolvedPath {
  /** The extension schema URN the attribute lives under, or undefined for the core schema. */
  readonly extension: string | undefined;
  readonly attribute: AttributeDef;
  readonly sub: AttributeDef | undefined;
}

/**
 * Resolves `urn?`, `attribute`, `sub?` against a resource type, so every
 * later step works on canonical names. A core-schema URN prefix is dropped;
 * an extension URN keeps the attribute under that extension's object.
 *
 * @example
 * resolvePath('User', ENTERPRISE_USER_SCHEMA, 'MANAGER', 'value');
 * // { extension: ENTERPRISE_USER_SCHEMA, attribute: <manager>, sub: <value> }
 */
const resolvePath = (
  type: ResourceTypeName,
  urn: string | undefined,
  attribute: string,
  sub: string | undefined,
): ResolvedPath | undefined => {
  const resource = resourceTypes[type];
  let extension: SchemaDef | undefined;
  if (urn !== undefined && !same(urn, resource.schema.id)) {
    extension = resource.extensions.find((schema) => same(schema.id, urn));
    if (!extension) return undefined;
  }
  const def = extension
    ? findAttribute(extension.attributes, attribute)
    : (findAttribute(commonAttributes, attribute) ?? findAttribute(resource.schema.attributes, attribute));
  if (!def) return undefined;
  if (sub === undefined) return { extension: extension?.id, attribute: def, sub: undefined };
  const subDef = findAttribute(def.subAttributes, sub);
  return subDef ? { extension: extension?.id, attribute: def, sub: subDef } : undefined;
};

/**
 * The extension schema of that URN on a resource type, case-insensitively.
 *
 * @example
 * extensionOf('User', ENTERPRISE_USER_SCHEMA.toLowerCase())?.name; // 'EnterpriseUser'
 */
const extensionOf = (type: ResourceTypeName, urn: string): SchemaDef | undefined =>
  resourceTypes[type].extensions.find((schema) => same(schema.id, urn));

export type {
  AttributeDef,
  AttributeType,
  Mutability,
  ResolvedPath,
  ResourceTypeDef,
  ResourceTypeName,
  Returned,
  SchemaDef,
  Uniqueness,
};
export {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  commonAttributes,
  enterpriseUserSchema,
  extensionOf,
  findAttribute,
  groupSchema,
  resolvePath,
  resourceTypes,
  userSchema,
};
