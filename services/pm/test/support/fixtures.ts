// A package whose class deploys on a CRM as-is: every bound function has an image.
export function shopPackage(name = "shop"): Record<string, unknown> {
  return {
    name,
    version: "1.0.0",
    metadata: { tags: ["test"] },
    classes: [
      {
        key: "cart",
        function_bindings: [
          { name: "add", function_key: "cart-add" },
          { name: "total", function_key: "cart-total", stateless: true },
        ],
      },
    ],
    functions: [
      { key: "cart-add", provision_config: { container_image: "ghcr.io/oaas/echo:1", port: 8080 } },
      { key: "cart-total", provision_config: { container_image: "ghcr.io/oaas/echo:1", port: 8080 } },
    ],
  };
}
