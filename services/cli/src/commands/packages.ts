// package apply|list|get|delete
import { PmHttpError, UsageError } from "../errors.ts";
import { readManifest } from "../manifest.ts";
import type { PackageFilter } from "../pm-client.ts";
import { str } from "../json.ts";
import { packageDetail, packagesTable } from "../views.ts";
import { emit, emitAction, emptyList, type Context } from "./context.ts";

/**
 * Creates the package in `file`, or updates it when the PM says it exists (409): one
 * request in the common case, and no window between a GET and a POST.
 */
export async function applyPackage(ctx: Context, file: string): Promise<void> {
  const body = await readManifest(file);
  const name = str(body, "name");
  if (name === undefined) throw new UsageError(`${file}: the package has no "name"`);
  try {
    const created = await ctx.client.createPackage(body, name);
    emitAction(ctx, created, `package/${name} created`);
  } catch (err) {
    if (!(err instanceof PmHttpError && err.status === 409)) throw err;
    const updated = await ctx.client.updatePackage(name, body);
    emitAction(ctx, updated, `package/${name} updated`);
  }
}

export async function listPackages(ctx: Context, filter: PackageFilter): Promise<void> {
  const items = await ctx.client.listPackages(filter);
  emit(ctx, items, () => (items.length === 0 ? emptyList("packages") : packagesTable(items, ctx.now())));
}

export async function getPackage(ctx: Context, name: string): Promise<void> {
  const body = await ctx.client.getPackage(name);
  emit(ctx, body, () => packageDetail(body));
}

export async function deletePackage(ctx: Context, name: string): Promise<void> {
  await ctx.client.deletePackage(name);
  emitAction(ctx, undefined, `package/${name} deleted`);
}
