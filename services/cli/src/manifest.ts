// Reading `-f` files: JSON or YAML (by extension; "-" reads stdin as YAML, which also
// parses JSON). One document holding one object; the PM validates the rest.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { UsageError } from "./errors.ts";
import { isObj } from "./json.ts";

/** The object in `file`; UsageError naming the file when unreadable or not an object. */
export async function readManifest(
  file: string,
  stdin: () => Promise<string> = readStdin,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = file === "-" ? await stdin() : await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new UsageError(`cannot read ${file}: ${reason}`);
  }
  const asJson = /\.json$/i.test(file);
  let value: unknown;
  try {
    value = asJson ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid ${asJson ? "JSON" : "YAML"}: ${(err as Error).message}`);
  }
  if (!isObj(value)) throw new UsageError(`${file} must hold one object (a package or a deployment)`);
  return value;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
