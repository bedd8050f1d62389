/**
 * What the demo (examples/accounts) is configured with, as its tests expect
 * it: the two API versions and what the deprecated one's answers carry.
 */

/** The demo's latest API version. */
export const LATEST = '2025-06-01';
/** The demo's oldest API version, deprecated since LATEST and sunset at the end of 2027. */
export const OLDEST = '2024-01-01';

/** What every answer of the deprecated oldest version carries, first in `meta.warnings`. */
export const VERSION_DEPRECATED = {
  code: 'API_VERSION_DEPRECATED',
  message: 'API version 2024-01-01 is deprecated and stops working on 2027-12-31. Upgrade to 2025-06-01.',
  version: OLDEST,
  deprecated_since: '2025-06-01T00:00:00.000Z',
  sunset: '2027-12-31T00:00:00.000Z',
  latest_version: LATEST,
  link: 'https://example.com/docs/upgrade-2025-06-01',
};

/** The headers of the oldest version: RFC 9745 Deprecation, RFC 8594 Sunset, and the upgrade page. */
export const DEPRECATION_HEADERS = {
  deprecation: `@${Date.UTC(2025, 5, 1) / 1000}`,
  sunset: 'Fri, 31 Dec 2027 00:00:00 GMT',
  link: '<https://example.com/docs/upgrade-2025-06-01>; rel="deprecation"',
};
