import { describe, expect, it } from 'vitest';
import {
  checkKey,
  familiarString,
  parseReference,
  pullLocation,
  REFERENCE_ERRORS,
  repositoryName,
} from '../../src/image/reference.js';
import type { ImageReference } from '../../src/image/types.js';

const F64 = 'f'.repeat(64);
const SHA256 = `sha256:${F64}`;
const SHA512 = `sha512:${'f'.repeat(128)}`;
const BE = 'sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912';
const DBCC = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const HEX_ID = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';

function ok(raw: string): ImageReference {
  const result = parseReference(raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to parse, got: ${result.error}`);
  return result.ref;
}

function err(raw: string): string {
  const result = parseReference(raw);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(raw)} to be invalid, got ${result.ref.normalized}`);
  return result.error;
}

type Row = [input: string, registry: string, repository: string, tag: string | null, digest: string | null];

/**
 * Accepted references: registry (Go `Domain`), repository (Go `Path`), tag, digest. Ported from
 * distribution/reference `TestReferenceParse`, `TestNormalizedSplitHostname`, `TestReferenceRegexp`,
 * `TestFullNameRegexp` and `TestDomainRegexp`, with each expectation translated from `Parse` to
 * `ParseNormalizedNamed` (single-component names become `docker.io/library/...`), plus our own rows.
 */
const accepted: Row[] = [
  // TestReferenceParse (through ParseNormalizedNamed)
  ['test_com', 'docker.io', 'library/test_com', null, null],
  ['test.com:tag', 'docker.io', 'library/test.com', 'tag', null],
  ['test.com:5000', 'docker.io', 'library/test.com', '5000', null],
  ['test.com/repo:tag', 'test.com', 'repo', 'tag', null],
  ['test:5000/repo', 'test:5000', 'repo', null, null],
  ['test:5000/repo:tag', 'test:5000', 'repo', 'tag', null],
  [`test:5000/repo@${SHA256}`, 'test:5000', 'repo', null, SHA256],
  [`test:5000/repo:tag@${SHA256}`, 'test:5000', 'repo', 'tag', SHA256],
  ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase', null],
  [
    `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
    'docker.io',
    `${'a/'.repeat(127)}a`,
    'tag-puts-this-over-max',
    null,
  ],
  ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com', 'bar/baz/quux', null, null],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag', null],
  [
    'b.gcr.io/test.example.com/my-app:test.example.com',
    'b.gcr.io',
    'test.example.com/my-app',
    'test.example.com',
    null,
  ],
  ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com', null],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, 'xn--7o8h.com', 'myimage', 'xn--7o8h.com', SHA512],
  ['foo_bar.com:8080', 'docker.io', 'library/foo_bar.com', '8080', null],
  ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080', null],
  ['192.168.1.1', 'docker.io', 'library/192.168.1.1', null, null],
  ['192.168.1.1:tag', 'docker.io', 'library/192.168.1.1', 'tag', null],
  ['192.168.1.1:5000', 'docker.io', 'library/192.168.1.1', '5000', null],
  ['192.168.1.1/repo', '192.168.1.1', 'repo', null, null],
  ['192.168.1.1:5000/repo', '192.168.1.1:5000', 'repo', null, null],
  ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050', null],
  ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo', null, null],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]', 'repo', 'tag', null],
  ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000', 'repo', null, null],
  ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000', 'repo', 'tag', null],
  [`[2001:db8::1]:5000/repo@${SHA256}`, '[2001:db8::1]:5000', 'repo', null, SHA256],
  [`[2001:db8::1]:5000/repo:tag@${SHA256}`, '[2001:db8::1]:5000', 'repo', 'tag', SHA256],
  ['[2001:db8::]:5000/repo', '[2001:db8::]:5000', 'repo', null, null],
  ['[::1]:5000/repo', '[::1]:5000', 'repo', null, null],
  // TestNormalizedSplitHostname
  ['test.com/foo', 'test.com', 'foo', null, null],
  ['test_com/foo', 'docker.io', 'test_com/foo', null, null],
  ['docker/migrator', 'docker.io', 'docker/migrator', null, null],
  ['test.com:8080/foo', 'test.com:8080', 'foo', null, null],
  ['test-com:8080/foo', 'test-com:8080', 'foo', null, null],
  ['foo', 'docker.io', 'library/foo', null, null],
  ['xn--n3h.com/foo', 'xn--n3h.com', 'foo', null, null],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo', null, null],
  ['docker.io/foo', 'docker.io', 'library/foo', null, null],
  ['docker.io/library/foo', 'docker.io', 'library/foo', null, null],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar', null, null],
  // TestReferenceRegexp
  ['registry.com:8080/myapp:tag', 'registry.com:8080', 'myapp', 'tag', null],
  [`registry.com:8080/myapp@${BE}`, 'registry.com:8080', 'myapp', null, BE],
  [`registry.com:8080/myapp:tag2@${BE}`, 'registry.com:8080', 'myapp', 'tag2', BE],
  [`localhost:8080@${BE}`, 'docker.io', 'library/localhost', '8080', BE],
  [`localhost:8080/name@${BE}`, 'localhost:8080', 'name', null, BE],
  [`localhost@${BE}`, 'docker.io', 'library/localhost', null, BE],
  // TestFullNameRegexp
  ['short', 'docker.io', 'library/short', null, null],
  ['simple/name', 'docker.io', 'simple/name', null, null],
  ['docker/stevvooe/app', 'docker.io', 'docker/stevvooe/app', null, null],
  ['aa/aa/bb/bb/bb', 'docker.io', 'aa/aa/bb/bb/bb', null, null],
  ['a/a/a/a', 'docker.io', 'a/a/a/a', null, null],
  ['a', 'docker.io', 'library/a', null, null],
  ['a/aa', 'docker.io', 'a/aa', null, null],
  ['foo.com', 'docker.io', 'library/foo.com', null, null],
  ['foo.com:8080/bar', 'foo.com:8080', 'bar', null, null],
  ['foo.com/bar/baz', 'foo.com', 'bar/baz', null, null],
  ['localhost:8080/bar', 'localhost:8080', 'bar', null, null],
  ['blog.foo.com/bar/baz', 'blog.foo.com', 'bar/baz', null, null],
  ['aa-a/a', 'docker.io', 'aa-a/a', null, null],
  ['foo_bar', 'docker.io', 'library/foo_bar', null, null],
  ['foo.com/foo_bar', 'foo.com', 'foo_bar', null, null],
  ['xn--7o8h.com/myimage', 'xn--7o8h.com', 'myimage', null, null],
  ['example.com/xn--7o8h.com/myimage', 'example.com', 'xn--7o8h.com/myimage', null, null],
  [
    'example.com/some_separator__underscore/myimage',
    'example.com',
    'some_separator__underscore/myimage',
    null,
    null,
  ],
  ['do__cker/docker', 'docker.io', 'do__cker/docker', null, null],
  [
    'registry.io/foo/project--id.module--name.ver---sion--name',
    'registry.io',
    'foo/project--id.module--name.ver---sion--name',
    null,
    null,
  ],
  ['Asdf.com/foo/bar', 'Asdf.com', 'foo/bar', null, null],
  // TestDomainRegexp, as "<domain>/repo"
  ['localhost/repo', 'localhost', 'repo', null, null],
  ['a.b/repo', 'a.b', 'repo', null, null],
  ['ab.cd.com/repo', 'ab.cd.com', 'repo', null, null],
  ['a-b.com/repo', 'a-b.com', 'repo', null, null],
  ['ab.c-om/repo', 'ab.c-om', 'repo', null, null],
  ['0101.com/repo', '0101.com', 'repo', null, null],
  ['001a.com/repo', '001a.com', 'repo', null, null],
  ['b.gbc.io:443/repo', 'b.gbc.io:443', 'repo', null, null],
  ['192.168.1.1:75050/repo', '192.168.1.1:75050', 'repo', null, null],
  ['[fd00:1:2::3]:75050/repo', '[fd00:1:2::3]:75050', 'repo', null, null],
  ['[fd00123123123]:75050/repo', '[fd00123123123]:75050', 'repo', null, null],
  [
    '[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050/repo',
    '[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050',
    'repo',
    null,
    null,
  ],
  // TestValidateReferenceName / TestValidateRemoteName (valid lists)
  ['docker/docker', 'docker.io', 'docker/docker', null, null],
  ['library/debian', 'docker.io', 'library/debian', null, null],
  ['debian', 'docker.io', 'library/debian', null, null],
  ['index.docker.io/docker/docker', 'docker.io', 'docker/docker', null, null],
  ['index.docker.io/library/debian', 'docker.io', 'library/debian', null, null],
  ['index.docker.io/debian', 'docker.io', 'library/debian', null, null],
  ['127.0.0.1:5000/docker/docker', '127.0.0.1:5000', 'docker/docker', null, null],
  ['127.0.0.1:5000/library/debian', '127.0.0.1:5000', 'library/debian', null, null],
  ['127.0.0.1:5000/debian', '127.0.0.1:5000', 'debian', null, null],
  ['192.168.0.1:80', 'docker.io', 'library/192.168.0.1', '80', null],
  ['192.168.0.1:8/debian', '192.168.0.1:8', 'debian', null, null],
  [
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'docker.io',
    'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    null,
    null,
  ],
  ['[fc00::1]:5000/docker/docker', '[fc00::1]:5000', 'docker/docker', null, null],
  ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000', 'library/debian', null, null],
  [`docker.io/${HEX_ID}`, 'docker.io', `library/${HEX_ID}`, null, null],
  ['Docker/docker', 'Docker', 'docker', null, null],
  ['DOCKER/docker', 'DOCKER', 'docker', null, null],
  ['docker-rules/docker', 'docker.io', 'docker-rules/docker', null, null],
  ['docker---rules/docker', 'docker.io', 'docker---rules/docker', null, null],
  ['d/docker', 'docker.io', 'd/docker', null, null],
  ['jess/t', 'docker.io', 'jess/t', null, null],
  ['dock__er/docker', 'docker.io', 'dock__er/docker', null, null],
  // TestParseAnyReference (names only; ParseNormalizedNamed reads "sha256:<hex>" as repo "sha256" + tag)
  [`redis@${DBCC}`, 'docker.io', 'library/redis', null, DBCC],
  [`dmcgowan/myapp@${DBCC}`, 'docker.io', 'dmcgowan/myapp', null, DBCC],
  [DBCC, 'docker.io', 'library/sha256', DBCC.slice(7), null],
  [HEX_ID.slice(0, 63), 'docker.io', `library/${HEX_ID.slice(0, 63)}`, null, null],
  // Our own cases
  ['nginx', 'docker.io', 'library/nginx', null, null],
  ['nginx:1.25.3-alpine', 'docker.io', 'library/nginx', '1.25.3-alpine', null],
  ['registry.k8s.io/pause:3.9', 'registry.k8s.io', 'pause', '3.9', null],
  ['ghcr.io/org/team/app:v1.2.3-dirty', 'ghcr.io', 'org/team/app', 'v1.2.3-dirty', null],
  ['localhost:5000', 'docker.io', 'library/localhost', '5000', null],
  ['localhost:5000/app', 'localhost:5000', 'app', null, null],
  ['LOCALHOST/app', 'LOCALHOST', 'app', null, null],
  ['Docker.io/nginx', 'Docker.io', 'nginx', null, null],
  ['index.docker.io/nginx:latest', 'docker.io', 'library/nginx', 'latest', null],
  ['docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest', null],
  ['[::1]/app', '[::1]', 'app', null, null],
  ['[::1]:5000/app:tag', '[::1]:5000', 'app', 'tag', null],
  [`app:${'a'.repeat(128)}`, 'docker.io', 'library/app', 'a'.repeat(128), null],
  ['app:_underscore-first', 'docker.io', 'library/app', '_underscore-first', null],
  ['app:UPPER.case-Tag_1', 'docker.io', 'library/app', 'UPPER.case-Tag_1', null],
  [`app@sha384:${'a'.repeat(96)}`, 'docker.io', 'library/app', null, `sha384:${'a'.repeat(96)}`],
  [`example.com/${'a'.repeat(255)}`, 'example.com', 'a'.repeat(255), null, null],
  ['a'.repeat(247), 'docker.io', `library/${'a'.repeat(247)}`, null, null],
  // Go returns an empty domain when the first component has a "." but is no valid host, yet is a valid path.
  ['foo_bar.com/app', '', 'foo_bar.com/app', null, null],
  ['foo_bar.com/app:1', '', 'foo_bar.com/app', '1', null],
];

/** Rejected references and the exact Go error text. */
const rejected: [input: string, error: string][] = [
  // TestReferenceParse
  ['', 'invalid reference format'],
  [':justtag', 'invalid reference format'],
  [`@${SHA256}`, 'invalid reference format'],
  ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid checksum digest format'],
  [`validname@invaliddigest:${F64}`, 'unsupported digest algorithm'],
  ['Uppercase:tag', 'invalid reference format: repository name (library/Uppercase) must be lowercase'],
  [
    'test:5000/Uppercase/lowercase:tag',
    'invalid reference format: repository name (Uppercase/lowercase) must be lowercase',
  ],
  [`${'a/'.repeat(128)}a:tag`, 'repository name must not be more than 255 characters'],
  ['aa/asdf$$^/aa', 'invalid reference format'],
  ['[2001:db8::1]', 'invalid reference format'],
  ['[2001:db8::1]:5000', 'invalid reference format'],
  ['[2001:db8::1]:tag', 'invalid reference format'],
  ['[fe80::1%eth0]:5000/repo', 'invalid reference format'],
  ['[fe80::1%@invalidzone]:5000/repo', 'invalid reference format'],
  // TestValidateReferenceName / TestValidateRemoteName (invalid lists)
  ['https://github.com/docker/docker', 'invalid reference format'],
  ['docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
  ['-docker', 'invalid reference format'],
  ['-docker/docker', 'invalid reference format'],
  ['-docker.io/docker/docker', 'invalid reference format'],
  ['docker///docker', 'invalid reference format'],
  ['docker.io/docker/Docker', 'invalid reference format: repository name (docker/Docker) must be lowercase'],
  ['docker.io/docker///docker', 'invalid reference format'],
  ['[fc00::1]', 'invalid reference format'],
  ['[fc00::1]:5000', 'invalid reference format'],
  ['fc00::1:5000/debian', 'invalid reference format'],
  ['[fe80::1%eth0]:5000/debian', 'invalid reference format'],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', 'invalid reference format'],
  [HEX_ID, `invalid repository name (${HEX_ID}), cannot specify 64-byte hexadecimal strings`],
  ['docker-/docker', 'invalid reference format'],
  ['-docker-/docker', 'invalid reference format'],
  ['____/____', 'invalid reference format'],
  ['_docker/_docker', 'invalid reference format'],
  ['dock..er/docker', 'invalid reference format'],
  ['dock_.er/docker', 'invalid reference format'],
  ['dock-.er/docker', 'invalid reference format'],
  ['docker/', 'invalid reference format'],
  [
    `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(3)}this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker`,
    'repository name must not be more than 255 characters',
  ],
  ['-foo', 'invalid reference format'],
  // TestReferenceRegexp / TestFullNameRegexp / TestDomainRegexp
  ['registry.com:8080/myapp@sha256:badbadbadbad', 'invalid reference format'],
  ['registry.com:8080/myapp:invalid~tag', 'invalid reference format'],
  ['bad_hostname.com:8080/myapp:tag', 'invalid reference format'],
  [`localhost:http/name@${BE}`, 'invalid reference format'],
  ['registry.com:8080/myapp@bad', 'invalid reference format'],
  ['registry.com:8080/myapp@2bad', 'invalid reference format'],
  ['a/a/a/a/', 'invalid reference format'],
  ['a//a/a', 'invalid reference format'],
  ['foo.com/', 'invalid reference format'],
  ['foo.com:http/bar', 'invalid reference format'],
  ['a^a', 'invalid reference format'],
  ['asdf$$^/aa', 'invalid reference format'],
  ['a-/a/a/a', 'invalid reference format'],
  ['foo.com/a-/a/a', 'invalid reference format'],
  ['foo/bar-', 'invalid reference format'],
  ['foo-/bar', 'invalid reference format'],
  ['foo/-bar', 'invalid reference format'],
  ['_foo/bar', 'invalid reference format'],
  ['foo_bar.com:8080/app', 'invalid reference format'],
  ['docker_/docker_', 'invalid reference format'],
  ['example.com/__underscore/myimage', 'invalid reference format'],
  ['example.com/..dots/myimage', 'invalid reference format'],
  ['example.com/.dots/myimage', 'invalid reference format'],
  ['example.com/nodouble..dots/myimage', 'invalid reference format'],
  ['docker./docker', 'invalid reference format'],
  ['.docker/docker', 'invalid reference format'],
  ['do..cker/docker', 'invalid reference format'],
  ['do__cker:8080/docker', 'invalid reference format'],
  ['Foo/FarB', 'invalid reference format: repository name (FarB) must be lowercase'],
  ['test.com:http/repo', 'invalid reference format'],
  ['-ab.com/repo', 'invalid reference format'],
  ['ab-.com/repo', 'invalid reference format'],
  ['ab.-com/repo', 'invalid reference format'],
  ['ab.com-/repo', 'invalid reference format'],
  ['[fd00:1:2::3]75050/repo', 'invalid reference format'],
  ['[fd00:1:2::3]::75050/repo', 'invalid reference format'],
  ['[fd00:1:2::3%eth0]:75050/repo', 'invalid reference format'],
  ['fd00:1:2::3:75050/repo', 'invalid reference format'],
  // Our own cases
  ['Foo', 'invalid reference format: repository name (library/Foo) must be lowercase'],
  ['quay.io/Org/app:1', 'invalid reference format: repository name (Org/app) must be lowercase'],
  // The uppercase check of Go's Parse: the lowercased string would be a valid path.
  ['Foo_bar/app', 'repository name must be lowercase'],
  // The lowercase check looks at everything before the first ":", so an uppercase algorithm trips it.
  [
    `nginx@SHA256:${F64}`,
    'invalid reference format: repository name (library/nginx@SHA256) must be lowercase',
  ],
  [`nginx@sha256:${F64.toUpperCase()}`, 'invalid checksum digest format'],
  [`nginx:1@Md5:${'f'.repeat(32)}`, 'invalid checksum digest format'],
  [`nginx@sha256+b64:${'f'.repeat(32)}`, 'unsupported digest algorithm'],
  [`nginx@sha256:${'f'.repeat(63)}`, 'invalid checksum digest format'],
  [`nginx@sha256:${'f'.repeat(65)}`, 'invalid checksum digest format'],
  [`nginx@sha384:${'a'.repeat(95)}`, 'invalid checksum digest format'],
  [`nginx@sha512:${'a'.repeat(127)}`, 'invalid checksum digest format'],
  [`nginx@sha256:${'f'.repeat(31)}`, 'invalid reference format'],
  [`app:${'a'.repeat(129)}`, 'invalid reference format'],
  ['app:.dot-first', 'invalid reference format'],
  ['app:-dash-first', 'invalid reference format'],
  ['app:', 'invalid reference format'],
  ['app@', 'invalid reference format'],
  ['app:1:2', 'invalid reference format'],
  [' nginx', 'invalid reference format'],
  ['nginx ', 'invalid reference format'],
  ['nginx\n', 'invalid reference format'],
  [
    '{{ .Values.image }}',
    'invalid reference format: repository name (library/{{ .Values.image }}) must be lowercase',
  ],
  ['{{ .image }}', 'invalid reference format'],
  ['${IMAGE}', 'invalid reference format: repository name (library/${IMAGE}) must be lowercase'],
  ['${image}', 'invalid reference format'],
  ['<image_url>', 'invalid reference format'],
  ['ñginx', 'invalid reference format'],
  [`example.com/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
  ['a'.repeat(248), 'repository name must not be more than 255 characters'],
];

describe('parseReference: accepted', () => {
  it.each(accepted)('%s', (input, registry, repository, tag, digest) => {
    const ref = ok(input);
    expect({ registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest }).toEqual({
      registry,
      repository,
      tag,
      digest,
    });
    expect(ref.raw).toBe(input);
    let normalized = registry === '' ? repository : `${registry}/${repository}`;
    if (tag !== null) normalized += `:${tag}`;
    if (digest !== null) normalized += `@${digest}`;
    expect(ref.normalized).toBe(normalized);
  });
});

describe('parseReference: rejected', () => {
  it.each(rejected)('%j', (input, error) => {
    expect(err(input)).toBe(error);
  });
});

/** distribution/reference `TestParseRepositoryInfo`: every spelling has the same familiar and full name. */
const repositoryInfo: {
  remote: string;
  familiar: string;
  full: string;
  ambiguous: string;
  domain: string;
}[] = [
  {
    remote: 'fooo/bar',
    familiar: 'fooo/bar',
    full: 'docker.io/fooo/bar',
    ambiguous: 'index.docker.io/fooo/bar',
    domain: 'docker.io',
  },
  {
    remote: 'library/ubuntu',
    familiar: 'ubuntu',
    full: 'docker.io/library/ubuntu',
    ambiguous: 'library/ubuntu',
    domain: 'docker.io',
  },
  {
    remote: 'nonlibrary/ubuntu',
    familiar: 'nonlibrary/ubuntu',
    full: 'docker.io/nonlibrary/ubuntu',
    ambiguous: '',
    domain: 'docker.io',
  },
  {
    remote: 'other/library',
    familiar: 'other/library',
    full: 'docker.io/other/library',
    ambiguous: '',
    domain: 'docker.io',
  },
  {
    remote: 'private/moonbase',
    familiar: '127.0.0.1:8000/private/moonbase',
    full: '127.0.0.1:8000/private/moonbase',
    ambiguous: '',
    domain: '127.0.0.1:8000',
  },
  {
    remote: 'privatebase',
    familiar: '127.0.0.1:8000/privatebase',
    full: '127.0.0.1:8000/privatebase',
    ambiguous: '',
    domain: '127.0.0.1:8000',
  },
  {
    remote: 'private/moonbase',
    familiar: 'example.com/private/moonbase',
    full: 'example.com/private/moonbase',
    ambiguous: '',
    domain: 'example.com',
  },
  {
    remote: 'privatebase',
    familiar: 'example.com/privatebase',
    full: 'example.com/privatebase',
    ambiguous: '',
    domain: 'example.com',
  },
  {
    remote: 'private/moonbase',
    familiar: 'example.com:8000/private/moonbase',
    full: 'example.com:8000/private/moonbase',
    ambiguous: '',
    domain: 'example.com:8000',
  },
  {
    remote: 'privatebasee',
    familiar: 'example.com:8000/privatebasee',
    full: 'example.com:8000/privatebasee',
    ambiguous: '',
    domain: 'example.com:8000',
  },
  {
    remote: 'library/ubuntu-12.04-base',
    familiar: 'ubuntu-12.04-base',
    full: 'docker.io/library/ubuntu-12.04-base',
    ambiguous: 'index.docker.io/library/ubuntu-12.04-base',
    domain: 'docker.io',
  },
  {
    remote: 'library/foo',
    familiar: 'foo',
    full: 'docker.io/library/foo',
    ambiguous: 'docker.io/foo',
    domain: 'docker.io',
  },
  {
    remote: 'library/foo/bar',
    familiar: 'library/foo/bar',
    full: 'docker.io/library/foo/bar',
    ambiguous: '',
    domain: 'docker.io',
  },
  {
    remote: 'store/foo/bar',
    familiar: 'store/foo/bar',
    full: 'docker.io/store/foo/bar',
    ambiguous: '',
    domain: 'docker.io',
  },
  { remote: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', ambiguous: '', domain: 'Foo' },
  { remote: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', ambiguous: '', domain: 'FOO' },
];

describe('normalisation (TestParseRepositoryInfo)', () => {
  const rows = repositoryInfo.flatMap((tc) =>
    [tc.familiar, tc.full, tc.ambiguous].filter((s) => s !== '').map((input) => ({ input, ...tc })),
  );
  it.each(rows)('$input', ({ input, remote, familiar, full, domain }) => {
    const ref = ok(input);
    expect(familiarString(ref)).toBe(familiar);
    expect(ref.normalized).toBe(full);
    expect(repositoryName(ref)).toBe(full);
    expect(ref.registry).toBe(domain);
    expect(ref.repository).toBe(remote);
  });
});

describe('tag and digest together (TestParseReferenceWithTagAndDigest)', () => {
  it('keeps both, normalises the name and round-trips the familiar form', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    const ref = ok(short);
    expect(ref.normalized).toBe(`docker.io/library/${short}`);
    expect(ref.tag).toBe('latest');
    expect(ref.digest).toBe('sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
    expect(familiarString(ref)).toBe(short);
  });
});

/** distribution/reference `TestParseDockerRef`: what the kubelet/containerd finally pull. */
const dockerRefs: [input: string, expected: string][] = [
  ['busybox', 'docker.io/library/busybox:latest'],
  ['busybox:latest', 'docker.io/library/busybox:latest'],
  [
    'busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582',
    'docker.io/library/busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582',
  ],
  ['library/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/library/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
  ['library/busybox:latest', 'docker.io/library/busybox:latest'],
  ['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
  ['gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
  [
    'gcr.io/library/busybox:latest@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582',
    'gcr.io/library/busybox@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582',
  ],
  ['ghcr.io/org/app:v1', 'ghcr.io/org/app:v1'],
];

describe('checkKey (TestParseDockerRef)', () => {
  it.each(dockerRefs)('%s', (input, expected) => {
    const key = checkKey(ok(input));
    expect(key).toBe(expected);
    // The key is itself a valid, already normalised reference.
    expect(ok(key).normalized).toBe(expected);
  });

  it('gives one key to every spelling of the same image', () => {
    const spellings = ['nginx', 'nginx:latest', 'docker.io/nginx', 'index.docker.io/library/nginx:latest'];
    expect(new Set(spellings.map((s) => checkKey(ok(s))))).toEqual(
      new Set(['docker.io/library/nginx:latest']),
    );
  });

  it.each([
    // [input, normalized (Go ParseNormalizedNamed, unchanged), checkKey]
    [
      'registry-1.docker.io/library/nginx:latest',
      'registry-1.docker.io/library/nginx:latest',
      'docker.io/library/nginx:latest',
    ],
    ['registry-1.docker.io/nginx', 'registry-1.docker.io/nginx', 'docker.io/library/nginx:latest'],
    [
      'registry.hub.docker.com/library/nginx:1.27',
      'registry.hub.docker.com/library/nginx:1.27',
      'docker.io/library/nginx:1.27',
    ],
    [
      'registry.hub.docker.com/nginx:1.27',
      'registry.hub.docker.com/nginx:1.27',
      'docker.io/library/nginx:1.27',
    ],
    ['Registry-1.Docker.IO/user/app:v1', 'Registry-1.Docker.IO/user/app:v1', 'docker.io/user/app:v1'],
    ['registry-1.docker.io/user/app', 'registry-1.docker.io/user/app', 'docker.io/user/app:latest'],
    ['index.docker.io/nginx', 'docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['Docker.IO/nginx', 'Docker.IO/nginx', 'docker.io/library/nginx:latest'],
    [
      `registry-1.docker.io/nginx:1@${DBCC}`,
      `registry-1.docker.io/nginx:1@${DBCC}`,
      `docker.io/library/nginx@${DBCC}`,
    ],
    // Not Docker Hub: as parsed.
    [
      'registry-1.docker.io:5000/nginx',
      'registry-1.docker.io:5000/nginx',
      'registry-1.docker.io:5000/nginx:latest',
    ],
    ['hub.docker.com/nginx', 'hub.docker.com/nginx', 'hub.docker.com/nginx:latest'],
    ['ghcr.io/nginx', 'ghcr.io/nginx', 'ghcr.io/nginx:latest'],
  ])('folds the Docker Hub alias in %s', (input, normalized, key) => {
    const ref = ok(input);
    expect(ref.normalized).toBe(normalized);
    expect(checkKey(ref)).toBe(key);
  });

  it('gives one key to every Docker Hub alias of the same image', () => {
    const spellings = [
      'nginx',
      'docker.io/library/nginx:latest',
      'index.docker.io/nginx',
      'registry-1.docker.io/library/nginx:latest',
      'registry-1.docker.io/nginx',
      'registry.hub.docker.com/library/nginx',
      'registry.hub.docker.com/nginx:latest',
    ];
    expect(new Set(spellings.map((s) => checkKey(ok(s))))).toEqual(
      new Set(['docker.io/library/nginx:latest']),
    );
    expect(pullLocation(ok('registry.hub.docker.com/nginx'))).toEqual({
      registry: 'docker.io',
      repository: 'library/nginx',
    });
  });
});

describe('familiarString', () => {
  it.each([
    ['docker.io/library/ubuntu:22.04', 'ubuntu:22.04'],
    ['docker.io/user/app', 'user/app'],
    ['index.docker.io/library/nginx@' + DBCC, `nginx@${DBCC}`],
    ['ghcr.io/org/app:v1', 'ghcr.io/org/app:v1'],
    ['docker.io/library/foo/bar:1', 'library/foo/bar:1'],
    ['foo_bar.com/app', 'foo_bar.com/app'],
  ])('%s → %s', (input, expected) => {
    expect(familiarString(ok(input))).toBe(expected);
  });
});

describe('error constants', () => {
  it('match the Go error texts', () => {
    expect(REFERENCE_ERRORS).toEqual({
      invalidFormat: 'invalid reference format',
      nameContainsUppercase: 'repository name must be lowercase',
      nameTooLong: 'repository name must not be more than 255 characters',
      digestInvalidFormat: 'invalid checksum digest format',
      digestUnsupported: 'unsupported digest algorithm',
    });
  });
});

describe('pathological input', () => {
  it.each([
    ['a'.repeat(100_000) + '!'],
    ['a-'.repeat(50_000) + '!'],
    [`${'a.'.repeat(50_000)}/`],
    [`a/${'a--'.repeat(30_000)}`],
    [`a@sha256:${'f'.repeat(100_000)}g`],
  ])('rejects a %#th 100 kB adversarial string', (input) => {
    // Completing at all is the assertion that matters (no catastrophic backtracking); the error is exact.
    expect(err(input)).toBe('invalid reference format');
  });
});
