// Answers of the package routes and the catalog (/classes, /functions).
import { classSchema, functionSchema, packageSchema } from "@oaas/models";
import Type, { type Static } from "typebox";

/** A stored package as the PM answers it. */
export const Package = Type.Object({ ...packageSchema.properties }, { additionalProperties: false });
export type Package = Static<typeof Package>;

/**
 * POST /packages (201) and POST /packages/{name} (200): the stored package, with the
 * reference implementation's PackageResponse fields {id, status, message}.
 */
export const PackageWritten = Type.Object(
  {
    ...packageSchema.properties,
    id: Type.String({ description: "= name (the reference implementation's field)" }),
    status: Type.String({ description: '"created" or "updated" (the reference implementation\'s field)' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type PackageWritten = Static<typeof PackageWritten>;

/** GET /classes: every class of every package, with its package's name. */
export const CatalogClass = Type.Object(
  { package_name: Type.String(), ...classSchema.properties },
  { additionalProperties: false },
);
export type CatalogClass = Static<typeof CatalogClass>;

/** GET /functions: every function of every package, with its package's name. */
export const CatalogFunction = Type.Object(
  { package_name: Type.String(), ...functionSchema.properties },
  { additionalProperties: false },
);
export type CatalogFunction = Static<typeof CatalogFunction>;
