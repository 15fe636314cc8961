// The environment variable name rule of a container's `env`: Kubernetes' classic
// IsEnvVarName, `[-._a-zA-Z][-._a-zA-Z0-9]*`
// (https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go).
// Kubernetes 1.32+ can relax it (RelaxedEnvironmentVariableValidation, any printable
// ASCII but "="); the classic rule is the subset every supported API server accepts.

const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * What is wrong with `name` as a container's environment variable name, or undefined.
 * The CRM's render and the PM's model checks both use it, so a name the CRM would refuse
 * is a 400 at the PM, not a 502.
 */
export function envNameProblem(name: string): string | undefined {
  if (envName.test(name)) return undefined;
  return `${JSON.stringify(name.slice(0, 80))} is not a valid environment variable name (letters, digits, '_', '-', '.'; no leading digit)`;
}
