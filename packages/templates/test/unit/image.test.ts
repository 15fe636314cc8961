// The one container image rule (image.ts), shared by the CRM's Deploy checks and the PM's
// model checks: each case states the answer it must get.
import { expect } from "chai";
import { containerImageProblem } from "../../src/index.ts";

const sha256 = `sha256:${"a".repeat(64)}`;
const sha512 = `sha512:${"b".repeat(128)}`;

describe("templates: container image references", function () {
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
