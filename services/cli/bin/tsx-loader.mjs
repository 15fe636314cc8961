// Registers tsx for oaasctl. `node --import tsx` resolves "tsx" from the working directory,
// so oaasctl run from anywhere but the checkout failed with ERR_MODULE_NOT_FOUND; imported
// from this file, "tsx" resolves from the checkout's node_modules wherever the caller is.
import "tsx";
