// grpc.reflection.v1 and v1alpha ServerReflectionInfo: the same answers in two packages
// (grpcurl tries v1 first; older clients only speak v1alpha).
import { create, type DescFile } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { reflectionV1, reflectionV1alpha } from "@oaas/proto";
import { reflectionIndex, type ReflectionAnswer, type ReflectionQuery } from "./reflection-index.ts";

/** The oneof of a response, shared in shape by both packages. */
function messageResponse(answer: ReflectionAnswer) {
  switch (answer.kind) {
    case "files":
      return { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: answer.files } };
    case "services":
      return {
        case: "listServicesResponse" as const,
        value: { service: answer.names.map((name) => ({ name })) },
      };
    case "extensionNumbers":
      return {
        case: "allExtensionNumbersResponse" as const,
        value: { baseTypeName: answer.baseTypeName, extensionNumber: answer.numbers },
      };
    case "error":
      return {
        case: "errorResponse" as const,
        value: { errorCode: answer.code, errorMessage: answer.message },
      };
  }
}

export function reflectionV1Handlers(
  files: readonly DescFile[],
): ServiceImpl<typeof reflectionV1.ServerReflection> {
  const answer = reflectionIndex(files);
  return {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(reflectionV1.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: messageResponse(answer(req.messageRequest as ReflectionQuery)),
        });
      }
    },
  };
}

export function reflectionV1alphaHandlers(
  files: readonly DescFile[],
): ServiceImpl<typeof reflectionV1alpha.ServerReflection> {
  const answer = reflectionIndex(files);
  return {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(reflectionV1alpha.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: messageResponse(answer(req.messageRequest as ReflectionQuery)),
        });
      }
    },
  };
}
