// The one container image rule (image.ts), shared by the CRM's Deploy checks and the PM's
// model checks: each case states the answer it must get.
import { expect } from "chai";
import { containerImageProblem } from "../../src/index.ts";

const sha256 = `sha256:${"a".repeat(64)}`;
const sha512 = `sha512:${"b".repeat(128)}`;

describe("kube-rules: container image references", function () {
  const accepted = [
    "nginx",
    "nginx:1.27",
    "ghcr.io/pawissanutt/oaas/echo-fn:latest",
    "localhost:5000/team/img",
    "localhost:5000/team/img:v1",
    `registry.example.com:443/a/b@${sha256}`,
    `img:v1@${sha512}`,
    "n".repeat(255),
    `${"n".repeat(255)}:${"t".repeat(128)}`,
    // A port in the registry is not a tag: the name stays within 255 with it.
    `${"r".repeat(240)}:5000/x:${"t".repeat(128)}`,
    // The registry is a host: any case, a port, IPv4, [IPv6], localhost.
    "Registry.Example.COM/team/img:1",
    "GHCR.io/example/cart-add:1.0",
    "Example/cart",
    "localhost/img",
    "localhost:5000/x",
    "127.0.0.1:5000/a/b:c",
    "[::1]:5000/img",
    "[fe80::1]/img@" + sha256,
    "my-registry.io:8443/a-b/c_d/e__f/g.h/i---j:v1.2_rc-3",
    // Separators inside a component; a tag may start with "_" or a digit.
    "a.b_c__d-e--f",
    "img:_x",
    "img:1",
    `img@${sha256}`,
    `img:v1@sha384:${"c".repeat(96)}`,
    `ghcr.io/o/r:v1@${sha256}`,
  ];
  for (const image of accepted)
    it(`accepts ${image.length > 60 ? `${image.slice(0, 40)}... (${image.length} chars)` : image}`, function () {
      expect(containerImageProblem(image)).to.equal(undefined);
    });

  const refused: [string, string, string][] = [
    ["empty", "", "is required (the function's image)"],
    ["a space inside", "repo/img :1", "must not contain whitespace or control characters"],
    ["a trailing newline", "img:1\n", "must not contain whitespace or control characters"],
    ["a control character", "img\u0007", "must not contain whitespace or control characters"],
    ["a 5000-character name", "a".repeat(5000), "name is 5000 characters; a registry accepts at most 255"],
    ["a 256-character name", "n".repeat(256), "name is 256 characters; a registry accepts at most 255"],
    ["a 256-character name with a registry port", `${"r".repeat(247)}:5000/img`, "name is 256 characters"],
    [
      "a 129-character tag",
      `img:${"t".repeat(129)}`,
      "tag is 129 characters; a registry accepts at most 128",
    ],
    // The fault that started it: a kubelet answers InvalidImageName.
    [
      "an uppercase repository path",
      "ghcr.io/Example/Cart-Add:1.0",
      'repository path "Example" must be lowercase',
    ],
    ["an uppercase single name", "Nginx:1", 'repository path "Nginx" must be lowercase'],
    [
      "an uppercase path after a lowercase one",
      "docker.io/library/Ubuntu",
      'repository path "Ubuntu" must be lowercase',
    ],
    ["an uppercase path after localhost", "localhost:5000/X", 'repository path "X" must be lowercase'],
    [
      "a component starting with a separator",
      "ghcr.io/-a/b",
      'repository path "-a" must be lowercase letters',
    ],
    ["a component ending with a separator", "a_/b", 'repository path "a_" must be lowercase letters'],
    ["three underscores", "a___b", 'repository path "a___b" must be lowercase letters'],
    ["a dot and a dash together", "a.-b", 'repository path "a.-b"'],
    ["other characters", "ghcr.io/a/b!c", 'repository path "b!c"'],
    ["an empty component", "ghcr.io//img", "empty repository path component"],
    ["a trailing slash", "ghcr.io/img/", "empty repository path component"],
    ["a registry alone", "ghcr.io/", "empty repository path component"],
    ["no name, only a tag", ":1", "has no repository name"],
    ["a registry with an underscore", "my_reg.io:5000/img", 'registry "my_reg.io:5000" is not a host name'],
    ["a registry ending with a dash", "reg-.io/img", 'registry "reg-.io" is not a host name'],
    ["a registry with a non-numeric port", "reg.io:http/img", 'registry "reg.io:http" is not a host name'],
    ["an empty tag", "img:", 'has an empty tag (nothing after ":")'],
    ["a tag starting with a dot", "img:.v1", 'tag ".v1" must be letters'],
    ["a tag starting with a dash", "img:-v1", 'tag "-v1" must be letters'],
    ["a tag with a plus", "img:1+build", 'tag "1+build" must be letters'],
    ["a digest without an algorithm", `img@${"a".repeat(64)}`, "must be algorithm:hex"],
    ["a digest that is too short", "img@sha256:abc", "must be algorithm:hex"],
    [
      "an unknown digest algorithm",
      `img@md5:${"a".repeat(32)}`,
      'digest algorithm "md5" is not one a registry verifies',
    ],
    [
      "a sha256 digest of the wrong length",
      `img@sha256:${"a".repeat(63)}`,
      "sha256 digest must be 64 lowercase hex digits (has 63)",
    ],
    [
      "an uppercase sha256 digest",
      `img@sha256:${"A".repeat(64)}`,
      "sha256 digest must be 64 lowercase hex digits",
    ],
    ["an image id for a name", "a".repeat(64), "64-digit hex image id"],
    [
      "a 200-character digest",
      `img@sha256:${"c".repeat(193)}`,
      "digest is 200 characters; the longest (sha512) has 135",
    ],
  ];
  for (const [name, image, message] of refused)
    it(`refuses ${name}`, function () {
      expect(containerImageProblem(image)).to.contain(message);
    });
});
