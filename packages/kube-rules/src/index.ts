// @oaas/kube-rules: the rules Kubernetes applies to values (quantities, image references,
// env var names, DNS and label names, int32 and port ranges), for every package that
// validates before the API server or a kubelet would. Pure, no dependencies: the leaf
// that templates, crd, models, config and the CRM's ingress import.
export {
  parseQuantity,
  isValidQuantity,
  compareQuantities,
  isNegative,
  quantityProblem,
  type Quantity,
} from "./quantity.ts";
export { containerImageProblem, imageNameMaxLength, imageTagMaxLength } from "./image.ts";
export { envNameProblem } from "./env-name.ts";
export {
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelKey,
  isLabelValue,
  maxLabelLength,
  maxSubdomainLength,
} from "./names.ts";
export { int32Max, minPort, maxPort } from "./ranges.ts";
