export {
  Informer,
  collectionPath,
  type InformerHandlers,
  type InformerLogger,
  type InformerOptions,
  type InformerStats,
} from "./informer.ts";
export { MapStore, keyOf, objectKey, unionStore, type ObjectStore } from "./store.ts";
export { watchEvents, type WatchEvent, type WatchEventType } from "./watch-events.ts";
