// What gRPC server reflection answers, computed from the generated file descriptors.
// Pure. A file is answered together with all its transitive dependencies, as serialized
// FileDescriptorProtos, so a client (grpcurl) can build every type without .proto files.
import { toBinary, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";

export type ReflectionQuery =
  | { readonly case: "fileByFilename"; readonly value: string }
  | { readonly case: "fileContainingSymbol"; readonly value: string }
  | { readonly case: "listServices"; readonly value: string }
  | { readonly case: "fileContainingExtension" | "allExtensionNumbersOfType"; readonly value: unknown }
  | { readonly case: undefined };

export type ReflectionAnswer =
  | { readonly kind: "files"; readonly files: Uint8Array[] }
  | { readonly kind: "services"; readonly names: string[] }
  | { readonly kind: "extensionNumbers"; readonly baseTypeName: string; readonly numbers: number[] }
  | { readonly kind: "error"; readonly code: number; readonly message: string };

/** gRPC status codes used in reflection error responses. */
const notFound = 5;
const invalidArgument = 3;

export function reflectionIndex(files: readonly DescFile[]): (query: ReflectionQuery) => ReflectionAnswer {
  const byName = new Map(files.map((f) => [f.proto.name, f]));
  const bySymbol = new Map<string, DescFile>();
  const messageTypes = new Set<string>();
  for (const file of files) {
    for (const service of file.services) {
      bySymbol.set(service.typeName, file);
      for (const method of service.methods) bySymbol.set(`${service.typeName}.${method.name}`, file);
    }
    for (const e of file.enums) bySymbol.set(e.typeName, file);
    const addMessage = (m: DescMessage) => {
      bySymbol.set(m.typeName, file);
      messageTypes.add(m.typeName);
      for (const field of m.fields) bySymbol.set(`${m.typeName}.${field.name}`, file);
      for (const e of m.nestedEnums) bySymbol.set(e.typeName, file);
      m.nestedMessages.forEach(addMessage);
    };
    file.messages.forEach(addMessage);
  }
  const services = files.flatMap((f) => f.services.map((s) => s.typeName)).sort();
  const encoded = new Map<DescFile, Uint8Array>();
  const encode = (file: DescFile) => {
    let bytes = encoded.get(file);
    if (!bytes) encoded.set(file, (bytes = toBinary(FileDescriptorProtoSchema, file.proto)));
    return bytes;
  };
  const withDependencies = (file: DescFile): ReflectionAnswer => {
    const ordered: DescFile[] = [];
    const visit = (f: DescFile) => {
      if (ordered.includes(f)) return;
      ordered.push(f);
      f.dependencies.forEach(visit);
    };
    visit(file);
    return { kind: "files", files: ordered.map(encode) };
  };
  return (query) => {
    switch (query.case) {
      case "listServices":
        return { kind: "services", names: services };
      case "fileByFilename": {
        const file = byName.get(query.value);
        return file
          ? withDependencies(file)
          : { kind: "error", code: notFound, message: `file not found: ${query.value}` };
      }
      case "fileContainingSymbol": {
        const file = bySymbol.get(query.value.replace(/^\./, ""));
        return file
          ? withDependencies(file)
          : { kind: "error", code: notFound, message: `symbol not found: ${query.value}` };
      }
      case "allExtensionNumbersOfType": {
        const type = String(query.value);
        return messageTypes.has(type)
          ? { kind: "extensionNumbers", baseTypeName: type, numbers: [] }
          : { kind: "error", code: notFound, message: `type not found: ${type}` };
      }
      case "fileContainingExtension":
        return { kind: "error", code: notFound, message: "no extensions are defined" };
      case undefined:
        return { kind: "error", code: invalidArgument, message: "empty reflection request" };
    }
  };
}
